import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeStates } from "../../lambdas/adapters/notice-store";
import { pendingBills } from "../../lambdas/adapters/pending-bills";
import { decodePepper } from "../../lambdas/adapters/pepper";
import { noticeProfiles } from "../../lambdas/adapters/profile-store";
import { sesNoticeMailer } from "../../lambdas/adapters/ses-mailer";
import { CATCH_UP_DAYS, CLAIM_LEASE_SECONDS } from "../../lambdas/definitions/notices";
import {
  accountsTable,
  billsTable,
  contractsTable,
  noticesTable,
  profilesTable,
  tableName,
} from "../../lambdas/definitions/tables";
import { addDays } from "../../lambdas/domain/dates";
import { billAvailableEmail } from "../../lambdas/domain/emails/bill-available-email";
import {
  billKey,
  type NoticeMailer,
  type NoticeProfiles,
  type NoticeStates,
  type PendingBills,
  SendThrottledError,
} from "../../lambdas/domain/notices/ports";
import { importBillingFile } from "../../local/import/import-file";
import { type NoticeRunSummary, runNotices } from "../../local/notices/run-notices";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { prng } from "../support/fakes/notice-fakes";
import { tempFiles } from "../support/temp-files";

/**
 * "Over a few thousand generated bills with injected faults: every eligible bill gets exactly one
 * e-mail and no other does." ~2000 bills over 600 accounts in mixed states, on DynamoDB Local and
 * the SES emulator through the real adapters and runNotices; the ports are wrapped by a seeded
 * fault injector that throws before or after the real call (a crash, or a lost response) and by a
 * simulated SES throttle. Not injected: a fault after SES accepted an e-mail, or markSent failing on
 * every retry (the documented window for a second e-mail; see test/unit/notices/send.test.ts).
 */

const { endpoints, environment } = inject("localStack");
const PREFIX = `notices-faults-${process.pid}`;
const T = {
  accounts: tableName(PREFIX, accountsTable),
  bills: tableName(PREFIX, billsTable),
  contracts: tableName(PREFIX, contractsTable),
  profiles: tableName(PREFIX, profilesTable),
  notices: tableName(PREFIX, noticesTable),
};
const credentials = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const rawDynamo = new DynamoDBClient({ ...credentials, endpoint: endpoints.dynamodb, maxAttempts: 3 });
const ddb = createDocumentClient(rawDynamo);
const ses = new SESv2Client({
  ...credentials,
  endpoint: endpoints.ses,
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
});
const pepper = decodePepper(readFileSync(environment.PEPPER_FILE as string, "utf8").trim());
const files = tempFiles("notices-faults");

const SEED = 20261120;
const TODAY = "2026-11-20";
const DOMAIN = "@notices-faults.example";
const ACCOUNTS = 600;
const WEB = "https://www.cablevision.example";
const SUPPORT = "1 800 567-6353";

// ---------------------------------------------------------------------------------------------
// The generated world and its oracle
// ---------------------------------------------------------------------------------------------

interface GenProfile {
  customerNumber: string;
  status: "ACTIVE" | "PENDING_CONFIRMATION";
  billing: "electronic" | "paper";
  email: string;
  language: "fr" | "en";
  activatedAt: string;
  electronicSince: string;
  emailUndeliverable?: boolean;
}

interface GenBill {
  customerNumber: string;
  billId: string;
  billingDate: string;
  dueDate: string;
  availableOn: string;
  amountDueCents: number;
  balanceCents: number;
}

const torontoDate = (iso: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: "America/Toronto",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(iso));

/** An independent statement of contract section 6, for the oracle. */
function shouldBeNotified(bill: GenBill, profile: GenProfile | undefined): boolean {
  if (bill.availableOn > TODAY) return false; // not available yet
  if (bill.availableOn < addDays(TODAY, -CATCH_UP_DAYS)) return false; // beyond the catch-up bound
  if (bill.balanceCents < 0) return false;
  if (profile?.status !== "ACTIVE" || profile.billing !== "electronic") return false;
  if (profile.emailUndeliverable) return false;
  const start = [torontoDate(profile.activatedAt), torontoDate(profile.electronicSince)]
    .sort()
    .at(-1) as string;
  return bill.availableOn >= start;
}

function generate() {
  const random = prng(SEED);
  const pick = <X>(list: readonly X[]): X => list[Math.floor(random() * list.length)] as X;
  const instant = (daysAgo: number) => {
    // Any hour, including the evening hours that are the next day in UTC.
    const hour = Math.floor(random() * 24);
    return `${addDays(TODAY, -daysAgo)}T${String(hour).padStart(2, "0")}:${pick(["05", "30", "59"])}:00.000Z`;
  };
  const profiles: GenProfile[] = [];
  const bills: GenBill[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const customerNumber = String(9250000 + i);
    const language = random() < 0.6 ? "fr" : "en";
    const kind = random();
    const base: GenProfile = {
      customerNumber,
      status: "ACTIVE",
      billing: "electronic",
      email: `n${customerNumber}${DOMAIN}`,
      language,
      activatedAt: "2026-02-01T15:00:00.000Z",
      electronicSince: "2026-02-01T15:00:00.000Z",
    };
    if (kind < 0.5) profiles.push(base);
    else if (kind < 0.62) {
      const at = instant(Math.floor(random() * 12));
      profiles.push({ ...base, activatedAt: at, electronicSince: at });
    } else if (kind < 0.68) profiles.push({ ...base, electronicSince: instant(Math.floor(random() * 12)) });
    else if (kind < 0.76) profiles.push({ ...base, billing: "paper" });
    else if (kind < 0.83) profiles.push({ ...base, status: "PENDING_CONFIRMATION", billing: "paper" });
    else if (kind < 0.88) profiles.push({ ...base, emailUndeliverable: true });
    // else: never enrolled, no profile.

    // 3 or 4 bills, on distinct days from 12 days ago to 2 days ahead.
    const days = new Set<number>();
    const count = random() < 0.35 ? 4 : 3;
    while (days.size < count) days.add(Math.floor(random() * 15) - 2);
    for (const daysAgo of days) {
      const availableOn = addDays(TODAY, -daysAgo);
      const billingDate = addDays(availableOn, -3);
      const amountDueCents = Math.floor(random() * 30_000);
      bills.push({
        customerNumber,
        billId: `B-${billingDate}-${customerNumber}`,
        billingDate,
        dueDate: addDays(billingDate, 21),
        availableOn,
        amountDueCents,
        balanceCents: random() < 0.08 ? -(1 + Math.floor(random() * 5000)) : amountDueCents,
      });
    }
  }
  return { profiles, bills };
}

const world = generate();
const profileOf = new Map(world.profiles.map((p) => [p.customerNumber, p]));
const eligible = new Set(
  world.bills
    .filter((b) => shouldBeNotified(b, profileOf.get(b.customerNumber)))
    .map((b) => billKey(b.customerNumber, b.billId)),
);

const money = (cents: number) =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;

// ---------------------------------------------------------------------------------------------
// The fault injector around the real adapters
// ---------------------------------------------------------------------------------------------

type Phase = "before" | "after";

class InjectedFault extends Error {
  constructor(what: string) {
    super(`injected fault: ${what}`);
    this.name = "InjectedFault";
  }
}

/**
 * Fault rates per call. A fault in the dispatcher aborts its whole run (nothing is queued by that
 * run; its claims wait for their lease), so its calls fail more rarely than the senders' calls.
 */
const RATES: Record<string, number> = {
  "dispatch bills.page": 0.003,
  "dispatch profiles.getMany": 0.003,
  // A claim's fault fails that bill only (it stays pending), not the run. Rare enough to stay
  // realistic, frequent enough to fire among the few hundred claims whatever the order: at 0.002
  // (about one expected), the fan-out's fewer re-claims let a whole run go without one.
  "dispatch states.claim": 0.01,
  "dispatch bills.settle": 0.001,
  "send states.beginSending": 0.03,
  "send states.markSent": 0.04,
  "send states.markSkipped": 0.05,
  "send states.release": 0.1,
  "send bills.get": 0.03,
  "send bills.settle": 0.02,
  "send profiles.get": 0.02,
  "send mailer.before": 0.03,
  "send mailer.throttle": 0.1,
};

function injector(seed: number) {
  const random = prng(seed);
  const fired = new Map<string, number>();
  let enabled = true;
  let dispatchFaults = true;
  /** runNotices runs the dispatcher, then the senders: the first beginSending starts the send phase. */
  let phase: "dispatch" | "send" = "dispatch";
  /** Consecutive markSent failures per bill: never 5 (persist's attempts), the documented window. */
  const markSentStreak = new Map<string, number>();
  const decide = (method: string): Phase | undefined => {
    if (method === "states.beginSending" || method === "mailer.before") phase = "send";
    if (!enabled || (phase === "dispatch" && !dispatchFaults)) return undefined;
    if (random() >= (RATES[`${phase} ${method}`] ?? 0)) return undefined;
    return random() < 0.5 ? "before" : "after";
  };
  async function wrap<X>(method: string, call: () => Promise<X>, allowAfter = true): Promise<X> {
    let phase = decide(method);
    if (phase === "after" && !allowAfter) phase = "before";
    if (phase) fired.set(`${method} ${phase}`, (fired.get(`${method} ${phase}`) ?? 0) + 1);
    if (phase === "before") throw new InjectedFault(`${method} before`);
    const result = await call();
    if (phase === "after") throw new InjectedFault(`${method} after`);
    return result;
  }
  return {
    fired,
    set enabled(value: boolean) {
      enabled = value;
    },
    set dispatchFaults(value: boolean) {
      dispatchFaults = value;
    },
    /** A new run starts with its dispatcher. */
    newRun(): void {
      phase = "dispatch";
    },
    states(real: NoticeStates): NoticeStates {
      return {
        claim: (...a) => wrap("states.claim", () => real.claim(...a)),
        beginSending: (...a) => wrap("states.beginSending", () => real.beginSending(...a)),
        markSent: (customerNumber, billId, owner, messageId, now) => {
          const key = billKey(customerNumber, billId);
          const streak = markSentStreak.get(key) ?? 0;
          const call = () => real.markSent(customerNumber, billId, owner, messageId, now);
          if (streak >= 2) {
            markSentStreak.set(key, 0);
            return call();
          }
          return wrap("states.markSent", call).then(
            (r) => {
              markSentStreak.set(key, 0);
              return r;
            },
            (e: unknown) => {
              markSentStreak.set(key, streak + 1);
              throw e;
            },
          );
        },
        markSkipped: (...a) => wrap("states.markSkipped", () => real.markSkipped(...a)),
        release: (...a) => wrap("states.release", () => real.release(...a)),
      };
    },
    bills(real: PendingBills): PendingBills {
      return {
        shards: real.shards,
        page: (...a) => wrap("bills.page", () => real.page(...a)),
        get: (...a) => wrap("bills.get", () => real.get(...a)),
        restore: (...a) => wrap("bills.restore", () => real.restore(...a)),
        settle: (...a) => wrap("bills.settle", () => real.settle(...a)),
      };
    },
    profiles(real: NoticeProfiles): NoticeProfiles {
      return {
        getMany: (...a) => wrap("profiles.getMany", () => real.getMany(...a)),
        get: (...a) => wrap("profiles.get", () => real.get(...a)),
      };
    },
    /** SES: throttled sometimes, refused before sending sometimes; every accepted e-mail counted. */
    mailer(real: NoticeMailer, accepted: Map<string, number>): NoticeMailer {
      return {
        async sendBillAvailable(mail) {
          phase = "send";
          if (enabled && random() < (RATES["send mailer.throttle"] ?? 0)) {
            fired.set("mailer throttle", (fired.get("mailer throttle") ?? 0) + 1);
            throw new SendThrottledError(1);
          }
          // Never "after": a lost response once SES accepted is the documented window.
          const id = await wrap("mailer.before", () => real.sendBillAvailable(mail), false);
          accepted.set(mail.billKey, (accepted.get(mail.billKey) ?? 0) + 1);
          return id;
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
}

async function mailbox(): Promise<StoredEmail[]> {
  const res = await fetch(`${endpoints.ses}/store`);
  const store = (await res.json()) as { emails: StoredEmail[] };
  return store.emails.filter((m) => m.destination.to.some((to) => to.endsWith(DOMAIN)));
}

async function putProfiles(list: readonly GenProfile[]): Promise<void> {
  for (let i = 0; i < list.length; i += 25) {
    let request: Record<string, unknown>[] = list.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; request.length > 0; attempt++) {
      if (attempt > 10) throw new Error("profiles not written");
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [T.profiles]: request as never } }));
      request = (out.UnprocessedItems?.[T.profiles] ?? []) as Record<string, unknown>[];
    }
  }
}

beforeAll(async () => {
  await ensureTables(rawDynamo, PREFIX);
  const target = {
    client: ddb,
    tables: { accounts: T.accounts, bills: T.bills, contracts: T.contracts },
    pepper,
    noticeDelayDays: 3,
  };
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => {
    const n = String(9250000 + i);
    return `${n},13579,4505551234,J4K1A1,84.37,${profileOf.get(n)?.language ?? "fr"},10.00,Client ${n}`;
  });
  const a = await importBillingFile({
    kind: "accounts",
    file: files.write(
      `customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName\n${accounts.join("\n")}\n`,
    ),
    target,
  });
  expect(a).toMatchObject({ imported: ACCOUNTS, rejected: 0 });
  const rows = world.bills.map(
    (b) =>
      `${b.billId},${b.customerNumber},${b.billingDate},${b.dueDate},${money(b.amountDueCents)},${money(b.balanceCents)}`,
  );
  const b = await importBillingFile({
    kind: "bills",
    file: files.write(`billId,customerNumber,billingDate,dueDate,amountDue,balance\n${rows.join("\n")}\n`),
    target,
  });
  expect(b).toMatchObject({ imported: world.bills.length, rejected: 0 });
  await putProfiles(world.profiles);
}, 120_000);

afterAll(() => {
  rawDynamo.destroy();
  ses.destroy();
  files.cleanup();
});

describe("notices over a few thousand generated bills with injected faults", () => {
  it("every eligible bill gets exactly one e-mail and no other does", { timeout: 120_000 }, async () => {
    // The generated world covers every rule, and a good share is eligible.
    expect(world.bills.length).toBeGreaterThanOrEqual(1900);
    expect(eligible.size).toBeGreaterThan(500);
    expect(eligible.size).toBeLessThan(world.bills.length - 500);

    const faults = injector(SEED);
    const accepted = new Map<string, number>();
    let nowMs = Date.parse(`${TODAY}T13:00:00.000Z`); // 08:00 in Toronto
    const deps = {
      bills: faults.bills(pendingBills(ddb, T.bills, { pageSize: 100 })),
      profiles: faults.profiles(noticeProfiles(ddb, T.profiles)),
      states: faults.states(noticeStates(ddb, T.notices)),
      mailer: faults.mailer(
        sesNoticeMailer(ses, {
          from: "Cablevision <no-reply@example.com>",
          supportPhone: SUPPORT,
          webBaseUrl: WEB,
        }),
        accepted,
      ),
      now: () => new Date(nowMs),
    };

    const summaries: (NoticeRunSummary | string)[] = [];
    const missing = () => [...eligible].filter((k) => (accepted.get(k) ?? 0) === 0);
    for (let run = 0; run < 10 && (run === 0 || missing().length > 0); run++) {
      faults.newRun();
      // Bounded: from the sixth run on, the dispatcher runs clean (the senders still fail).
      faults.dispatchFaults = run < 5;
      try {
        summaries.push(
          await runNotices(TODAY, deps, { sendRatePerSecond: 1_000_000, senders: 8, maxRounds: 3 }),
        );
      } catch (error) {
        summaries.push(String(error));
        // A failed dispatcher run leaves workers finishing their page: let them settle.
        await new Promise((r) => setTimeout(r, 300));
      }
      // The next run comes after every lease.
      nowMs += (CLAIM_LEASE_SECONDS + 60) * 1000;
    }
    // One last run without faults: nothing more may go out.
    faults.enabled = false;
    faults.newRun();
    const last = await runNotices(TODAY, deps, { sendRatePerSecond: 1_000_000, senders: 8 });

    // Faults did happen, of every kind.
    const fired = Object.fromEntries(faults.fired);
    for (const kind of [
      "states.claim",
      "states.beginSending before",
      "states.beginSending after",
      "states.markSent before",
      "states.markSent after",
      "bills.get",
      "bills.settle",
      "mailer.before before",
      "mailer throttle",
    ]) {
      expect(
        Object.keys(fired).some((k) => k.startsWith(kind)),
        `${kind} in ${JSON.stringify(fired)}`,
      ).toBe(true);
    }

    // Dispatcher faults happened (a run aborted, or bills failed within a run and were left pending),
    // and the pipeline still converged.
    expect(summaries.filter((x) => typeof x === "string" || x.dispatch.failed > 0).length).toBeGreaterThan(0);
    expect(last.sent).toBe(0);
    expect(last.unsent).toBe(0);

    // By the mailer's count of e-mails SES accepted.
    const twice = [...accepted].filter(([, n]) => n > 1);
    const notEligible = [...accepted.keys()].filter((k) => !eligible.has(k));
    expect({ twice, notEligible, missing: missing() }).toEqual({ twice: [], notEligible: [], missing: [] });

    // By the SES emulator's mailbox: one e-mail per eligible bill (address + subject), none other.
    const expected = new Map<string, number>();
    for (const bill of world.bills) {
      if (!eligible.has(billKey(bill.customerNumber, bill.billId))) continue;
      const profile = profileOf.get(bill.customerNumber) as GenProfile;
      const { subject } = billAvailableEmail({
        language: profile.language,
        billingDate: bill.billingDate,
        dueDate: bill.dueDate,
        amountDueCents: bill.amountDueCents,
        link: WEB,
        supportPhone: SUPPORT,
      });
      expected.set(`${profile.email} ${subject}`, 1);
    }
    const got = new Map<string, number>();
    for (const m of await mailbox()) {
      for (const to of m.destination.to)
        got.set(`${to} ${m.subject}`, (got.get(`${to} ${m.subject}`) ?? 0) + 1);
    }
    expect(got.size).toBe(expected.size);
    expect([...got].filter(([key, n]) => expected.get(key) !== n)).toEqual([]);

    // Nothing eligible is left pending, and every eligible bill is recorded SENT.
    const left = new Set<string>();
    const bills = pendingBills(ddb, T.bills);
    for (let shard = 0; shard < bills.shards; shard++) {
      let next: Record<string, unknown> | undefined;
      do {
        const page = await bills.page(shard, TODAY, next);
        for (const b of page.bills) left.add(billKey(b.customerNumber, b.billId));
        next = page.next;
      } while (next);
    }
    expect([...left].filter((k) => eligible.has(k))).toEqual([]);
  });
});
