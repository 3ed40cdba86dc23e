import { CATCH_UP_DAYS, type NoticeMessage, QUEUE_BATCH_SIZE } from "../../definitions/notices";
import type { NoticeBill, NoticeProfiles, NoticeQueue, NoticeStates, PendingBills } from "./ports";
import { decide, settles } from "./rules";

export interface DispatchSummary {
  /** Claimed by this run and accepted by the queue. */
  queued: number;
  skippedCredit: number;
  skippedInactive: number;
  /** The notice was sent already (by an earlier run): nothing to do but settle the bill. */
  alreadySent: number;
  /**
   * Another run holds a live claim: the notice waits in the queue (or a sender holds it) and will be
   * sent from there. Not sent yet, so not `alreadySent`.
   */
  alreadyQueued: number;
  /**
   * Part of `queued`: bills this same run had claimed before it was cut off (timeout, crash), found
   * again by the retry and queued again. The sender drops the second message if the first arrived.
   */
  resumed: number;
  /** Settled without a notice: before activation, older than the catch-up bound, paper for good. */
  settledUnsent: number;
  /** Claimed but not queued (the queue refused): queued by a retry of this run, or after the lease. */
  notQueued: number;
  /** Bills whose claim or settlement failed this run: left pending, taken again by the next run. */
  failed: number;
}

export function emptySummary(): DispatchSummary {
  return {
    queued: 0,
    skippedCredit: 0,
    skippedInactive: 0,
    alreadySent: 0,
    alreadyQueued: 0,
    resumed: 0,
    settledUnsent: 0,
    notQueued: 0,
    failed: 0,
  };
}

/** Adds `part` into `total` (the summaries of every shard and every continuation of one run). */
export function addSummary(total: DispatchSummary, part: DispatchSummary): DispatchSummary {
  for (const key of Object.keys(total) as (keyof DispatchSummary)[]) total[key] += part[key];
  return total;
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

export interface DispatchOptions {
  dryRun?: boolean;
  /** Bills seen so far by this call (all its shards). */
  onProgress?: (seen: number) => void;
  onError?: (bill: NoticeBill, error: unknown) => void;
}

/** Where a shard's walk stands: the index key to start after, or undefined to start at its top. */
export type ShardCursor = Record<string, unknown>;

export interface ShardResult {
  readonly summary: DispatchSummary;
  /** Where a continuation starts; absent when the shard is done. */
  readonly next?: ShardCursor;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function eachLimited<T>(
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
 * One shard of the daily run, from `cursor`, page by page until the shard ends or `shouldStop()`
 * says the caller's time is running out (checked between pages, so a page is never cut in half);
 * then it returns where it stopped, for a continuation. Each page: the rules, a conditional claim
 * per eligible bill (so re-runs and overlapping runs queue it once), and the claimed bills on the
 * queue, its batches sent in parallel. A continuation of the same `runId` (or a retry of a call that
 * was cut off) finds the bills it had claimed and queues them again, so none is lost until the lease.
 */
export async function dispatchShard(
  today: string,
  runId: string,
  shard: number,
  cursor: ShardCursor | undefined,
  deps: DispatchDeps,
  options: DispatchOptions & { shouldStop?: () => boolean } = {},
): Promise<ShardResult> {
  const summary = emptySummary();
  const catchUp = deps.catchUpDays ?? CATCH_UP_DAYS;
  let seen = 0;
  let next = cursor;
  do {
    const page = await deps.bills.page(shard, today, next);
    next = page.next;
    const profiles = await deps.profiles.getMany([...new Set(page.bills.map((b) => b.customerNumber))]);
    const toQueue: NoticeMessage[] = [];
    let resumedInPage = 0;
    const handle = async (bill: NoticeBill): Promise<void> => {
      const decision = decide(bill, profiles.get(bill.customerNumber), today, catchUp);
      if (decision === "skipped-credit") summary.skippedCredit++;
      else if (decision === "skipped-inactive" || decision === "skipped-paper") summary.skippedInactive++;
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
      if (claim === "claimed" || claim === "resumed") {
        if (claim === "resumed") resumedInPage++;
        toQueue.push({ customerNumber: bill.customerNumber, billId: bill.billId, runId, runDate: today });
      } else if (claim === "already-sent") {
        summary.alreadySent++;
        await deps.bills.settle(bill.customerNumber, bill.billId);
      } else summary.alreadyQueued++;
    };
    await eachLimited(page.bills, deps.concurrency ?? 16, async (bill) => {
      try {
        await handle(bill);
      } catch (error) {
        // One bill's failure must not cost the day's other notices: it stays pending for next time.
        summary.failed++;
        options.onError?.(bill, error);
      }
    });
    // SQS answers each batch in 10–20 ms: one after another, they were most of a page's wall time.
    const batches: NoticeMessage[][] = [];
    for (let i = 0; i < toQueue.length; i += QUEUE_BATCH_SIZE)
      batches.push(toQueue.slice(i, i + QUEUE_BATCH_SIZE));
    const refused = await Promise.all(batches.map((batch) => deps.queue.send(batch)));
    const notQueued = refused.reduce((n, r) => n + r.length, 0);
    summary.queued += toQueue.length - notQueued;
    summary.notQueued += notQueued;
    // Refused ones are not counted as resumed: they are not on the queue.
    summary.resumed += Math.max(0, resumedInPage - notQueued);
    seen += page.bills.length;
    options.onProgress?.(seen);
  } while (next && !options.shouldStop?.());
  return next ? { summary, next } : { summary };
}

/**
 * The whole daily run in one process (`npm run notices`, the tests): every shard, a few at once,
 * each to its end. The deployed run spreads the same shards over workers with continuations.
 */
export async function dispatchNotices(
  today: string,
  runId: string,
  deps: DispatchDeps,
  options: DispatchOptions & { parallelShards?: number } = {},
): Promise<DispatchSummary> {
  const total = emptySummary();
  const seenByShard = new Map<number, number>();
  const shards = Array.from({ length: deps.bills.shards }, (_, shard) => shard);
  await eachLimited(shards, options.parallelShards ?? 4, async (shard) => {
    const result = await dispatchShard(today, runId, shard, undefined, deps, {
      ...options,
      onProgress: (seen) => {
        seenByShard.set(shard, seen);
        let all = 0;
        for (const n of seenByShard.values()) all += n;
        options.onProgress?.(all);
      },
    });
    addSummary(total, result.summary);
  });
  return total;
}
