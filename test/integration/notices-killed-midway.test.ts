import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { billItem } from "../../lambdas/adapters/billing-items";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeStates } from "../../lambdas/adapters/notice-store";
import { pendingBills } from "../../lambdas/adapters/pending-bills";
import { noticeProfiles } from "../../lambdas/adapters/profile-store";
import type { DispatchTask, NoticeMessage } from "../../lambdas/definitions/notices";
import { billsTable, noticesTable, profilesTable, tableName } from "../../lambdas/definitions/tables";
import { addDays } from "../../lambdas/domain/dates";
import {
  addSummary,
  type DispatchSummary,
  dispatchShard,
  emptySummary,
} from "../../lambdas/domain/notices/dispatch";
import { billKey, type NoticeMailer, type NoticeQueue } from "../../lambdas/domain/notices/ports";
import { sendNotice } from "../../lambdas/domain/notices/send";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";

/**
 * Contract §6 (v2): "a run cut off midway (timeout, crash) is finished by the next run or retry
 * without a duplicate". The dispatch workers' loop as deployed (a task per shard, continuations, a
 * task cut off retried from its own cursor with the same run id), through the real adapters on
 * DynamoDB Local; one worker is killed after it claimed bills and before it queued them. The retry
 * alone (no lease has run out) queues them: every eligible bill gets exactly one e-mail.
 * Customer numbers of this file: 926xxxx.
 */

const { endpoints } = inject("localStack");
const PREFIX = `notices-killed-${process.pid}`;
const T = {
  bills: tableName(PREFIX, billsTable),
  profiles: tableName(PREFIX, profilesTable),
  notices: tableName(PREFIX, noticesTable),
};
const raw = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const ddb = createDocumentClient(raw);

const TODAY = "2026-11-20";
const NOW = new Date(`${TODAY}T13:00:00.000Z`); // 08:00 in Toronto
const ACCOUNTS = 400;
/** Every fifth account has paper bills; the others are active and electronic. */
const isPaper = (i: number) => i % 5 === 0;
const customer = (i: number) => String(9260000 + i);

/** The process died: every call from now on fails, as no code runs after a kill. */
class Killed extends Error {}

async function writeAll(table: string, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let request = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; request.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`${table} not written`);
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: request } }));
      request = (out.UnprocessedItems?.[table] ?? []) as typeof request;
    }
  }
}

beforeAll(async () => {
  await ensureTables(raw, PREFIX);
  const profiles = Array.from({ length: ACCOUNTS }, (_, i) => ({
    customerNumber: customer(i),
    status: "ACTIVE",
    billing: isPaper(i) ? "paper" : "electronic",
    email: `k${customer(i)}@killed.example`,
    language: "fr",
    activatedAt: "2026-02-01T15:00:00.000Z",
    electronicSince: "2026-02-01T15:00:00.000Z",
  }));
  // Two bills each: one available today, one yesterday.
  const bills = profiles.flatMap((p, i) =>
    [0, 1].map((daysAgo) =>
      billItem(
        {
          customerNumber: p.customerNumber,
          billId: `B-${daysAgo}-${p.customerNumber}`,
          billingDate: addDays(TODAY, -3 - daysAgo),
          dueDate: addDays(TODAY, 18),
          amountDueCents: 1000 + i,
          balanceCents: 1000 + i,
        },
        3,
        NOW,
      ),
    ),
  );
  await writeAll(T.profiles, profiles);
  await writeAll(T.bills, bills as unknown as Record<string, unknown>[]);
}, 120_000);

afterAll(() => raw.destroy());

describe("a dispatch cut off midway, finished by its retry", () => {
  it("0 duplicates, 0 lost, and the accounting says what happened", { timeout: 120_000 }, async () => {
    const bills = pendingBills(ddb, T.bills, { pageSize: 10 });
    const profiles = noticeProfiles(ddb, T.profiles);
    const states = noticeStates(ddb, T.notices);
    const now = () => NOW;
    const messages: NoticeMessage[] = [];
    const queue: NoticeQueue = {
      async send(batch) {
        messages.push(...batch);
        return [];
      },
    };

    // The victim: shard 0's second invocation (a continuation) dies on its page, after its claims
    // were written and before their batch reached the queue.
    let dead = false;
    const victimDeps = {
      bills: {
        ...bills,
        page: async (...a: Parameters<typeof bills.page>) => {
          if (dead) throw new Killed();
          return bills.page(...a);
        },
      },
      profiles,
      states: {
        ...states,
        claim: async (...a: Parameters<typeof states.claim>) => {
          if (dead) throw new Killed();
          return states.claim(...a);
        },
      },
      queue: {
        async send(_batch: readonly NoticeMessage[]): Promise<readonly NoticeMessage[]> {
          dead = true;
          throw new Killed();
        },
      },
      now,
    };
    const deps = { bills, profiles, states, queue, now };

    // The dispatch queue: one task per shard; each invocation walks one page (its time budget, in
    // this test), then hands on; an invocation that dies leaves its task to be delivered again.
    const runId = "run-killed-midway";
    const tasks: DispatchTask[] = Array.from({ length: bills.shards }, (_, shard) => ({
      date: TODAY,
      shard,
      runId,
    }));
    const total = emptySummary();
    let invocations = 0;
    let retries = 0;
    let victimDone = false;
    while (tasks.length > 0) {
      const task = tasks.shift() as DispatchTask;
      invocations++;
      const victim = task.shard === 0 && task.cursor !== undefined && !victimDone;
      let pages = 0;
      try {
        const result = await dispatchShard(
          task.date,
          task.runId,
          task.shard,
          task.cursor,
          victim ? victimDeps : deps,
          {
            shouldStop: () => ++pages >= 1,
          },
        );
        addSummary(total, result.summary);
        if (result.next) tasks.push({ ...task, cursor: result.next as Record<string, string> });
      } catch (error) {
        expect(error).toBeInstanceOf(Killed);
        // What a killed invocation counted is lost with it; SQS delivers its task again.
        victimDone = true;
        retries++;
        tasks.push(task);
      }
    }
    expect(retries).toBe(1);
    // Continuations happened: more invocations than shards and the one retry.
    expect(invocations).toBeGreaterThan(bills.shards * 2);

    // Senders: every message, duplicates of resumed bills included, through the real use case.
    const mailed = new Map<string, number>();
    const mailer: NoticeMailer = {
      async sendBillAvailable(mail) {
        mailed.set(mail.billKey, (mailed.get(mail.billKey) ?? 0) + 1);
        return `ses-${mailed.size}`;
      },
    };
    const outcomes = new Map<string, number>();
    for (const message of messages) {
      const outcome = await sendNotice(message, { bills, profiles, states, mailer, now });
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }

    const eligible = Array.from({ length: ACCOUNTS }, (_, i) => i)
      .filter((i) => !isPaper(i))
      .flatMap((i) => [0, 1].map((d) => billKey(customer(i), `B-${d}-${customer(i)}`)));
    const twice = [...mailed].filter(([, n]) => n > 1).map(([k]) => k);
    const lost = eligible.filter((k) => !mailed.has(k));
    const notEligible = [...mailed.keys()].filter((k) => !eligible.includes(k));
    expect({ twice, lost, notEligible }).toEqual({ twice: [], lost: [], notEligible: [] });

    // The retry found the bills the killed invocation had claimed, as its own, and queued them.
    expect(total.resumed).toBeGreaterThan(0);
    expect(total).toMatchObject<Partial<DispatchSummary>>({
      queued: eligible.length,
      alreadySent: 0,
      alreadyQueued: 0,
      notQueued: 0,
      failed: 0,
    });
    // The senders dropped the second message of each resumed bill that had reached the queue.
    expect(outcomes.get("sent")).toBe(eligible.length);

    // Every eligible notice recorded SENT; nothing left in the pending index but today's paper bills.
    const items = await ddb.send(new ScanCommand({ TableName: T.notices, ConsistentRead: true }));
    expect((items.Items ?? []).filter((i) => i.state === "SENT")).toHaveLength(eligible.length);
    const left: string[] = [];
    for (let shard = 0; shard < bills.shards; shard++) {
      let next: Record<string, unknown> | undefined;
      do {
        const page = await bills.page(shard, TODAY, next);
        left.push(...page.bills.map((b) => `${b.billId}`));
        next = page.next;
      } while (next);
    }
    // Paper bills of yesterday were settled at once (never eligible again); today's wait a day.
    expect(left.sort()).toEqual(
      Array.from({ length: ACCOUNTS }, (_, i) => i)
        .filter(isPaper)
        .map((i) => `B-0-${customer(i)}`)
        .sort(),
    );
    // The killed invocation's own counts died with it (paper bills it settled are not seen again).
    expect(total.skippedInactive).toBeGreaterThan(0);
    expect(total.skippedInactive).toBeLessThanOrEqual((ACCOUNTS / 5) * 2);
  });
});
