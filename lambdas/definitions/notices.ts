/** The notice pipeline's shared facts: the queue message, leases, bounds, environment variables. */

/** The queue message is in notice-message.ts: its zod schema stays out of what imports these facts. */
export type { NoticeMessage } from "./notice-message";

/** A claimed bill that was never sent is claimed again by a run after this lease. */
export const CLAIM_LEASE_SECONDS = 30 * 60;
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
 * The sender's event source settings from the SES account's maximum send rate: each concurrent
 * sender paces itself at rate / concurrency, so all of them together never exceed the rate.
 * Lambda's SQS maximum concurrency is at least 2.
 */
export function senderSettings(maxSendRatePerSecond: number): { batchSize: number; maxConcurrency: number } {
  const maxConcurrency = Math.max(2, Math.min(50, Math.ceil(maxSendRatePerSecond / 10)));
  const perSender = maxSendRatePerSecond / maxConcurrency;
  // A batch should take a few seconds at most at the sender's pace, so one slow batch does not
  // hold many messages invisible.
  const batchSize = Math.max(1, Math.min(10, Math.floor(perSender * 5)));
  return { batchSize, maxConcurrency };
}
