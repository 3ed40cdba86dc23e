/** The notice pipeline's shared facts: the queue message, leases, bounds, environment variables. */

/** The queue message is in notice-message.ts: its zod schema stays out of what imports these facts. */
export type { NoticeMessage } from "./notice-message";

/**
 * The shortest claim lease (and the local one): a claimed bill that was never sent is claimed again
 * by a run after its lease. The deployed lease comes from the stage's send rate (claimLeaseSeconds).
 */
export const CLAIM_LEASE_SECONDS = 30 * 60;
/** The day the pipeline is sized for (contract §6): this many bills available on one day. */
export const DAILY_NOTICE_CAPACITY = 1_000_000;
/** How long the notice queue keeps a message; a claim never needs to outlive it. */
export const NOTICE_QUEUE_RETENTION_DAYS = 4;

/**
 * The claim lease that matches the backlog: a message queued at the end of the largest day waits
 * DAILY_NOTICE_CAPACITY / rate seconds before a sender takes it. A shorter lease lets a re-run (or
 * the next day's run) claim and queue it a second time while the first message still waits: no
 * second e-mail (the sender drops it) but wasted work. Plus the minimum lease as margin; never past
 * the queue's retention, after which the message is gone and the bill must be claimed again.
 */
export function claimLeaseSeconds(maxSendRatePerSecond: number): number {
  const backlog = Math.ceil(DAILY_NOTICE_CAPACITY / Math.max(1, maxSendRatePerSecond));
  return Math.min(NOTICE_QUEUE_RETENTION_DAYS * 86_400, backlog + CLAIM_LEASE_SECONDS);
}
/** A sender holds a bill this long; shorter than the queue's visibility timeout. */
export const SENDING_LEASE_SECONDS = 60;
/** Missed days are caught up within this bound; older pending bills are settled without a notice. */
export const CATCH_UP_DAYS = 7;
/**
 * How long a settled notice's state is kept. Far beyond the catch-up bound: a bill re-imported
 * within it finds its notice sent; an older one is stale anyway and gets none.
 */
export const NOTICE_STATE_RETENTION_DAYS = 400;

/** SQS SendMessageBatch takes at most 10 messages. */
export const QUEUE_BATCH_SIZE = 10;

/** Defined in notice-env.ts (no zod there, for the functions that only read the variables). */
export { noticeEnv } from "./notice-env";

/**
 * One notice's sender work, deployed at 512 MB: beginSending, the bill and the profile (in
 * parallel), the rendered e-mail and the SES call, markSent and settle (in parallel). The
 * notices-scale bench measured 130 ms (94 ms of latency stubs' waits and CPU on a loaded machine, its
 * 15 ms of CPU stretched to the sender's 0.29 vCPU; BENCHMARKS.md, "Notices at scale"): an upper
 * bound, with margin.
 */
export const NOTICE_SEND_MS = 150;
/** Senders beyond the ones the rate needs at NOTICE_SEND_MS: for slow spells (SES, cold starts). */
const SENDER_HEADROOM = 1.25;

/**
 * The sender's event source settings from the SES account's maximum send rate: each concurrent
 * sender paces itself at rate / concurrency, so all of them together never exceed the rate. A
 * sender handles one notice at a time, so keeping up takes rate × NOTICE_SEND_MS of concurrency
 * (150 at 1,000/s), with headroom. Lambda's SQS maximum concurrency is 2 to 1,000.
 */
export function senderSettings(maxSendRatePerSecond: number): { batchSize: number; maxConcurrency: number } {
  const needed = Math.ceil(((maxSendRatePerSecond * NOTICE_SEND_MS) / 1000) * SENDER_HEADROOM);
  const maxConcurrency = Math.max(2, Math.min(1000, needed));
  const perSender = maxSendRatePerSecond / maxConcurrency;
  // A batch should take a few seconds at most at the sender's pace, so one slow batch does not
  // hold many messages invisible.
  const batchSize = Math.max(1, Math.min(10, Math.floor(perSender * 5)));
  return { batchSize, maxConcurrency };
}

/** The dispatch task (the fan-out's queue message) is in dispatch-task.ts, for the same reason. */
export type { DispatchTask } from "./dispatch-task";

/** The worker's handler module; its function is `${resource prefix}-${this}` on every stage. */
export const NOTICE_DISPATCH_WORKER_ENTRY = "notice-dispatch-worker";

/** The worker: its timeout, its memory (sized by the notices-scale bench), and when it hands on. */
export const DISPATCH_WORKER_TIMEOUT_SECONDS = 300;
export const DISPATCH_WORKER_MEMORY_MB = 1024;
/**
 * A worker hands its cursor on once less than this is left: half its timeout, so that no invocation
 * comes near the limit (one page takes 1–3 s) and an alarm at 80 % of the timeout never fires.
 */
export const DISPATCH_HANDOFF_REMAINING_MS = (DISPATCH_WORKER_TIMEOUT_SECONDS * 1000) / 2;
