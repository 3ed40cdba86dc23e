import { describe, expect, it } from "vitest";
import { noticeShard } from "../../../lambdas/adapters/billing-items";
import { CATCH_UP_DAYS, CLAIM_LEASE_SECONDS } from "../../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../../lambdas/definitions/tables";
import { addDays } from "../../../lambdas/domain/dates";
import { type DispatchSummary, dispatchNotices } from "../../../lambdas/domain/notices/dispatch";
import { billKey } from "../../../lambdas/domain/notices/ports";
import { type NoticeWorld, noticeWorld, type YieldMode } from "../../support/fakes/notice-fakes";

/**
 * The daily dispatcher (lambdas/domain/notices/dispatch.ts) on the in-memory fakes: it pages
 * through the pending bills of every shard, applies the rules, claims the eligible ones with a
 * conditional write and queues them; re-runs and overlapping runs queue each bill once.
 */

const TODAY = "2026-11-20";

/** One bill per rule, on accounts numbered from `base`; returns the keys of the eligible ones. */
function seedEveryRule(w: NoticeWorld, base = 9200000): { eligible: string[] } {
  const n = (i: number) => String(base + i);
  // Eligible: active, electronic, available today or within the catch-up window, not in credit.
  w.seedProfile({ customerNumber: n(1) });
  w.seedBill({ customerNumber: n(1), billId: "B1", availableOn: TODAY });
  w.seedProfile({ customerNumber: n(2), language: "en" });
  w.seedBill({ customerNumber: n(2), billId: "B2", availableOn: addDays(TODAY, -CATCH_UP_DAYS) });
  w.seedProfile({ customerNumber: n(3) });
  w.seedBill({ customerNumber: n(3), billId: "B3", availableOn: TODAY, balanceCents: 0 });
  // skipped-credit
  w.seedProfile({ customerNumber: n(4) });
  w.seedBill({ customerNumber: n(4), billId: "B4", availableOn: TODAY, balanceCents: -1 });
  // skipped-inactive: paper, pending confirmation, no profile, bounced address
  w.seedProfile({ customerNumber: n(5), billing: "paper" });
  w.seedBill({ customerNumber: n(5), billId: "B5", availableOn: TODAY });
  w.seedProfile({ customerNumber: n(6), status: "PENDING_CONFIRMATION" });
  w.seedBill({ customerNumber: n(6), billId: "B6", availableOn: TODAY });
  w.seedBill({ customerNumber: n(7), billId: "B7", availableOn: TODAY });
  w.seedProfile({ customerNumber: n(8), emailUndeliverable: true });
  w.seedBill({ customerNumber: n(8), billId: "B8", availableOn: TODAY });
  // settled without a notice: before the activation, stale
  w.seedProfile({ customerNumber: n(9), activatedAt: "2026-11-20T12:00:00.000Z" });
  w.seedBill({ customerNumber: n(9), billId: "B9", availableOn: "2026-11-19" });
  w.seedProfile({ customerNumber: n(10) });
  w.seedBill({ customerNumber: n(10), billId: "B10", availableOn: addDays(TODAY, -CATCH_UP_DAYS - 1) });
  // Not available yet: not seen at all.
  w.seedProfile({ customerNumber: n(11) });
  w.seedBill({ customerNumber: n(11), billId: "B11", availableOn: addDays(TODAY, 1) });
  return { eligible: [billKey(n(1), "B1"), billKey(n(2), "B2"), billKey(n(3), "B3")] };
}

const queuedKeys = (w: NoticeWorld) => w.queue.accepted.map((m) => billKey(m.customerNumber, m.billId));

describe("dispatchNotices: one pass", () => {
  it("counts each rule, claims and queues the eligible bills, settles the final skips", async () => {
    const w = noticeWorld({ pageSize: 2 });
    const { eligible } = seedEveryRule(w);

    const summary = await w.dispatch(TODAY);

    expect(summary).toEqual<DispatchSummary>({
      queued: 3,
      skippedCredit: 1,
      skippedInactive: 4,
      alreadySent: 0,
      alreadyQueued: 0,
      resumed: 0,
      settledUnsent: 2,
      notQueued: 0,
      failed: 0,
    });
    expect(queuedKeys(w).sort()).toEqual([...eligible].sort());
    expect(w.queue.accepted.every((m) => m.runId === "run-1")).toBe(true);
    for (const key of eligible) expect(w.states.items.get(key)?.state).toBe("QUEUED");
    // Final skips leave the index; inactive ones and eligible ones (until sent) stay; the future one
    // was never read.
    expect(w.bills.pendingKeys().sort()).toEqual(
      [
        ...eligible,
        ...["5", "6", "7", "8"].map((i) => billKey(`920000${i}`, `B${i}`)),
        billKey("9200011", "B11"),
      ].sort(),
    );
    // Nothing was claimed for a bill that is not eligible.
    expect([...w.states.items.keys()].sort()).toEqual([...eligible].sort());
  });

  it("pages through every shard with a small page size (more bills than a page, several per shard)", async () => {
    const w = noticeWorld({ pageSize: 3 });
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) {
      const customerNumber = String(9201000 + i);
      w.seedProfile({ customerNumber });
      w.seedBill({ customerNumber, billId: `B-${i}`, availableOn: addDays(TODAY, -(i % 5)) });
      keys.push(billKey(customerNumber, `B-${i}`));
    }
    const seen: number[] = [];
    const summary = await dispatchWithProgress(w, seen);
    expect(summary.queued).toBe(60);
    expect(new Set(queuedKeys(w))).toEqual(new Set(keys));
    expect(queuedKeys(w)).toHaveLength(60);
    expect(seen.at(-1)).toBe(60);
    // Every shard was read, in pages of at most 3: a full page is followed by another query.
    const perShard = new Map<string, number>();
    for (const row of w.bills.rows.values()) {
      const shard = noticeShard(row.customerNumber, row.billId);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    const expectedPages = Array.from(
      { length: NOTICE_SHARDS },
      (_, s) => Math.floor((perShard.get(String(s)) ?? 0) / 3) + 1,
    );
    expect(w.calls.filter((c) => c === "bills.page")).toHaveLength(expectedPages.reduce((a, b) => a + b, 0));
    expect(perShard.size).toBeGreaterThan(1);
  });

  it("paging is not disturbed by the bills it settles on the way (settle removes them from the index)", async () => {
    const w = noticeWorld({ pageSize: 2, shards: 1 });
    for (let i = 0; i < 10; i++) {
      const customerNumber = String(9202000 + i);
      w.seedProfile({ customerNumber });
      // Every other bill is in credit (settled during the pass).
      w.seedBill({ customerNumber, billId: `B-${i}`, availableOn: TODAY, balanceCents: i % 2 ? -100 : 100 });
    }
    const summary = await w.dispatch(TODAY);
    expect(summary).toMatchObject({ queued: 5, skippedCredit: 5 });
    expect(w.bills.pendingKeys()).toHaveLength(5);
  });

  it("queues in batches of at most 10 (SQS SendMessageBatch)", async () => {
    const w = noticeWorld({ shards: 1 });
    for (let i = 0; i < 25; i++) {
      const customerNumber = String(9203000 + i);
      w.seedProfile({ customerNumber });
      w.seedBill({ customerNumber, billId: "B", availableOn: TODAY });
    }
    await w.dispatch(TODAY);
    expect(w.calls.filter((c) => c === "queue.send")).toHaveLength(3);
    expect(w.queue.accepted).toHaveLength(25);
  });
});

function dispatchWithProgress(w: NoticeWorld, seen: number[]): Promise<DispatchSummary> {
  return dispatchNotices(TODAY, "run-progress", w.dispatchDeps, { onProgress: (n) => seen.push(n) });
}

describe("dispatchNotices: re-runs, overlaps, refusals", () => {
  it("re-run the same day before the senders ran: already-queued counts them (not already-sent), no new queue message", async () => {
    const w = noticeWorld();
    const { eligible } = seedEveryRule(w);
    await w.dispatch(TODAY);
    const again = await w.dispatch(TODAY);
    expect(again).toMatchObject({
      queued: 0,
      alreadyQueued: eligible.length,
      alreadySent: 0,
      skippedInactive: 4,
    });
    expect(w.queue.accepted).toHaveLength(eligible.length);
  });

  it("re-run the same day after the notices went out: nothing queued, nothing sent again", async () => {
    const w = noticeWorld();
    const { eligible } = seedEveryRule(w);
    await w.day(TODAY);
    expect(w.mailer.sent).toHaveLength(eligible.length);
    const again = await w.day(TODAY);
    expect(again.dispatch).toMatchObject({
      queued: 0,
      skippedCredit: 0,
      settledUnsent: 0,
      skippedInactive: 4,
    });
    expect(w.queue.accepted).toHaveLength(eligible.length);
    expect(w.mailer.sent).toHaveLength(eligible.length);
  });

  it("a re-import of sent bills (back in the pending index) counts already-sent and settles them again", async () => {
    const w = noticeWorld();
    const { eligible } = seedEveryRule(w);
    await w.day(TODAY);
    // The importer replaces the whole item: noticeShard is back.
    for (const key of eligible) {
      const row = w.bills.rows.get(key);
      if (row) w.bills.put(row);
    }
    const again = await w.dispatch(TODAY);
    expect(again).toMatchObject({ queued: 0, alreadySent: eligible.length });
    for (const key of eligible) expect(w.bills.pendingKeys()).not.toContain(key);
    expect(w.mailer.sent).toHaveLength(eligible.length);
  });

  const MODES: { name: string; mode: YieldMode }[] = [
    { name: "microtask", mode: "microtask" },
    { name: "setImmediate", mode: "immediate" },
    ...Array.from({ length: 10 }, (_, i) => ({ name: `seed ${i + 1}`, mode: { seed: i + 1 } })),
  ];

  it.each(MODES)("two overlapping runs ($name) queue each bill once", async ({ mode }) => {
    const w = noticeWorld({ yield: mode, pageSize: 4 });
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) {
      const customerNumber = String(9204000 + i);
      w.seedProfile({ customerNumber });
      w.seedBill({ customerNumber, billId: "B", availableOn: TODAY });
      keys.push(billKey(customerNumber, "B"));
    }
    const [a, b] = await Promise.all([w.dispatch(TODAY), w.dispatch(TODAY)]);
    expect(a.queued + b.queued).toBe(40);
    expect(a.alreadyQueued + b.alreadyQueued).toBe(40);
    expect(a.alreadySent + b.alreadySent).toBe(0);
    expect(queuedKeys(w).sort()).toEqual(keys.sort());
    await w.deliver();
    expect(w.mailer.sent).toHaveLength(40);
  });

  it("a claim the queue refused is not queued again before CLAIM_LEASE_SECONDS, and is after it", async () => {
    const w = noticeWorld();
    w.seedProfile({ customerNumber: "9205001" });
    w.seedBill({ customerNumber: "9205001", billId: "B" });
    w.queue.refuse(1);

    const first = await w.dispatch(TODAY);
    expect(first).toMatchObject({ queued: 0, notQueued: 1 });
    expect(w.queue.accepted).toHaveLength(0);
    expect(w.states.state("9205001", "B")?.state).toBe("QUEUED");

    // Within the lease, a re-run sees it claimed (by the run whose message was lost).
    w.clock.advance(CLAIM_LEASE_SECONDS);
    expect(await w.dispatch(TODAY)).toMatchObject({ queued: 0, alreadyQueued: 1, alreadySent: 0 });
    expect(w.queue.accepted).toHaveLength(0);

    // Past the lease, it is claimed and queued again, then sent once.
    w.clock.advance(1);
    expect(await w.dispatch(TODAY)).toMatchObject({ queued: 1, alreadySent: 0 });
    expect(w.queue.accepted).toHaveLength(1);
    await w.deliver();
    expect(w.mailer.count("9205001", "B")).toBe(1);
  });

  it("dry run: counts as a real run would, writes nothing (no claim, no settle, no queue)", async () => {
    const w = noticeWorld({ pageSize: 2 });
    seedEveryRule(w);
    const pendingBefore = w.bills.pendingKeys().sort();

    const summary = await w.dispatch(TODAY, true);

    expect(summary).toEqual<DispatchSummary>({
      queued: 3,
      skippedCredit: 1,
      skippedInactive: 4,
      alreadySent: 0,
      alreadyQueued: 0,
      resumed: 0,
      settledUnsent: 2,
      notQueued: 0,
      failed: 0,
    });
    expect(w.calls.filter((c) => !["bills.page", "profiles.getMany"].includes(c))).toEqual([]);
    expect(w.states.items.size).toBe(0);
    expect(w.queue.accepted).toHaveLength(0);
    expect(w.bills.pendingKeys().sort()).toEqual(pendingBefore);
    // And the real run afterwards does everything.
    expect(await w.dispatch(TODAY)).toMatchObject({ queued: 3 });
  });

  it("an account that becomes active later the same day gets its notice on the next run", async () => {
    const w = noticeWorld();
    w.seedProfile({ customerNumber: "9206001", status: "PENDING_CONFIRMATION" });
    w.seedBill({ customerNumber: "9206001", billId: "B", availableOn: TODAY });
    expect(await w.day(TODAY)).toMatchObject({ dispatch: { skippedInactive: 1, queued: 0 } });
    w.profiles.update("9206001", { status: "ACTIVE", activatedAt: "2026-11-20T16:00:00.000Z" });
    w.clock.advance(3600);
    expect(await w.day(TODAY)).toMatchObject({ dispatch: { queued: 1 }, outcomes: { sent: 1 } });
  });

  it("a claim that fails after its write (claim-after) costs only that bill, taken again after the lease", async () => {
    const w = noticeWorld({ concurrency: 1 });
    seedEveryRule(w);
    w.faults.failOn("states.claim", 2, "after");
    const first = await w.day(TODAY);
    // The other bills of the day still go out; the failed one is left claimed, not lost.
    expect(first.dispatch).toMatchObject({ queued: 2, failed: 1 });
    expect(w.mailer.sent).toHaveLength(2);
    const early = await w.day(TODAY);
    expect(early.dispatch).toMatchObject({ queued: 0 });
    w.clock.advance(CLAIM_LEASE_SECONDS + 1);
    const next = await w.day(TODAY);
    expect(next.dispatch).toMatchObject({ queued: 1 });
    expect(w.mailer.sent).toHaveLength(3);
  });
});
