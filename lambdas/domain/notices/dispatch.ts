import { CATCH_UP_DAYS, type NoticeMessage, QUEUE_BATCH_SIZE } from "../../definitions/notices";
import type { NoticeBill, NoticeProfiles, NoticeQueue, NoticeStates, PendingBills } from "./ports";
import { decide, settles } from "./rules";

export interface DispatchSummary {
  queued: number;
  skippedCredit: number;
  skippedInactive: number;
  alreadySent: number;
  /** Settled without a notice: before activation, or older than the catch-up bound. */
  settledUnsent: number;
  /** Claimed but not queued (the queue refused): claimed again after the lease. */
  notQueued: number;
  /** Bills whose claim or settlement failed this run: left pending, taken again by the next run. */
  failed: number;
}

export interface DispatchDeps {
  readonly bills: PendingBills;
  readonly profiles: NoticeProfiles;
  readonly states: NoticeStates;
  readonly queue: NoticeQueue;
  readonly now: () => Date;
  readonly catchUpDays?: number;
  /** Claims written at once within a page. */
  readonly concurrency?: number;
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * The daily run: pages through the pending bills available up to `today` (every shard), applies the
 * rules, claims each eligible bill with a conditional write (so that re-runs and overlapping runs
 * queue it once) and puts the claimed ones on the queue. With `dryRun`, it only counts.
 */
export async function dispatchNotices(
  today: string,
  runId: string,
  deps: DispatchDeps,
  options: {
    dryRun?: boolean;
    onProgress?: (seen: number) => void;
    onError?: (bill: NoticeBill, error: unknown) => void;
  } = {},
): Promise<DispatchSummary> {
  const summary: DispatchSummary = {
    queued: 0,
    skippedCredit: 0,
    skippedInactive: 0,
    alreadySent: 0,
    settledUnsent: 0,
    notQueued: 0,
    failed: 0,
  };
  const catchUp = deps.catchUpDays ?? CATCH_UP_DAYS;
  let seen = 0;
  for (let shard = 0; shard < deps.bills.shards; shard++) {
    let next: Record<string, unknown> | undefined;
    do {
      const page = await deps.bills.page(shard, today, next);
      next = page.next;
      const profiles = await deps.profiles.getMany([...new Set(page.bills.map((b) => b.customerNumber))]);
      const toQueue: NoticeMessage[] = [];
      await eachLimited(page.bills, deps.concurrency ?? 16, async (bill) => {
        try {
          await handle(bill);
        } catch (error) {
          // One bill's failure must not cost the day's other notices: it stays pending for next time.
          summary.failed++;
          options.onError?.(bill, error);
        }
      });
      async function handle(bill: (typeof page.bills)[number]): Promise<void> {
        const decision = decide(bill, profiles.get(bill.customerNumber), today, catchUp);
        if (decision === "skipped-credit") summary.skippedCredit++;
        else if (decision === "skipped-inactive") summary.skippedInactive++;
        else if (decision !== "eligible") summary.settledUnsent++;
        if (options.dryRun) {
          if (decision === "eligible") summary.queued++;
          return;
        }
        if (decision !== "eligible") {
          if (settles(decision)) await deps.bills.settle(bill.customerNumber, bill.billId);
          return;
        }
        const claim = await deps.states.claim(bill, runId, deps.now());
        if (claim === "claimed") {
          toQueue.push({ customerNumber: bill.customerNumber, billId: bill.billId, runId, runDate: today });
        } else {
          summary.alreadySent++;
          if (claim === "already-sent") await deps.bills.settle(bill.customerNumber, bill.billId);
        }
      }
      for (let i = 0; i < toQueue.length; i += QUEUE_BATCH_SIZE) {
        const batch = toQueue.slice(i, i + QUEUE_BATCH_SIZE);
        const refused = await deps.queue.send(batch);
        summary.queued += batch.length - refused.length;
        summary.notQueued += refused.length;
      }
      seen += page.bills.length;
      options.onProgress?.(seen);
    } while (next);
  }
  return summary;
}
