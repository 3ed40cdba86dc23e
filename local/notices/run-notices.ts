import { randomUUID } from "node:crypto";
import type { NoticeMessage } from "../../lambdas/definitions/notices";
import { senderSettings } from "../../lambdas/definitions/notices";
import type { DispatchSummary } from "../../lambdas/domain/notices/dispatch";
import { dispatchNotices } from "../../lambdas/domain/notices/dispatch";
import { pacedMailer, pacer } from "../../lambdas/domain/notices/pacer";
import type {
  NoticeMailer,
  NoticeProfiles,
  NoticeQueue,
  NoticeStates,
  PendingBills,
} from "../../lambdas/domain/notices/ports";
import { type SendOutcome, sendNotice } from "../../lambdas/domain/notices/send";

export interface NoticeRunSummary {
  readonly sent: number;
  readonly skippedCredit: number;
  readonly skippedInactive: number;
  readonly alreadySent: number;
  readonly settledUnsent: number;
  /** Still queued after every retry round (throttled or failing): the next run picks them up. */
  readonly unsent: number;
  readonly dispatch: DispatchSummary;
}

/** The local stand-in for SQS: the same message contract, in memory. */
export function memoryQueue(): NoticeQueue & { take(n: number): NoticeMessage[]; readonly size: number } {
  const messages: NoticeMessage[] = [];
  return {
    async send(batch) {
      messages.push(...batch.map((m) => ({ ...m })));
      return [];
    },
    take: (n) => messages.splice(0, n),
    get size() {
      return messages.length;
    },
  };
}

export interface RunNoticesDeps {
  readonly bills: PendingBills;
  readonly profiles: NoticeProfiles;
  readonly states: NoticeStates;
  readonly mailer: NoticeMailer;
  readonly now: () => Date;
}

/**
 * `npm run notices` and the notice tests: the dispatcher, then senders draining an in-memory queue
 * at the SES rate, with the use cases the scheduled functions run. Bounded: a message that keeps
 * failing is left for the next run after `maxRounds`.
 */
export async function runNotices(
  today: string,
  deps: RunNoticesDeps,
  options: { dryRun?: boolean; sendRatePerSecond?: number; senders?: number; maxRounds?: number } = {},
): Promise<NoticeRunSummary> {
  const queue = memoryQueue();
  const dispatch = await dispatchNotices(
    today,
    randomUUID(),
    { ...deps, queue },
    { dryRun: options.dryRun ?? false },
  );
  const outcomes: Record<SendOutcome, number> = {
    sent: 0,
    "already-sent": 0,
    skipped: 0,
    "skipped-credit": 0,
    busy: 0,
    throttled: 0,
    unknown: 0,
  };
  const rate = options.sendRatePerSecond ?? 50;
  // As deployed: the event source's concurrency for this rate, all senders sharing one paced mailer.
  const senders = options.senders ?? senderSettings(rate).maxConcurrency;
  const paced = { ...deps, mailer: pacedMailer(deps.mailer, pacer(rate)) };
  let retry: NoticeMessage[] = [];
  for (let round = 0; round < (options.maxRounds ?? 5) && (queue.size > 0 || retry.length > 0); round++) {
    if (retry.length > 0) {
      await queue.send(retry);
      retry = [];
      await new Promise((r) => setTimeout(r, 50 * 2 ** round));
    }
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let batch = queue.take(10); batch.length > 0; batch = queue.take(10)) {
          for (const message of batch) {
            try {
              const outcome = await sendNotice(message, paced);
              outcomes[outcome]++;
              if (outcome === "throttled" || outcome === "busy") retry.push(message);
            } catch {
              retry.push(message);
            }
          }
        }
      }),
    );
  }
  return {
    sent: options.dryRun ? 0 : outcomes.sent,
    skippedCredit: dispatch.skippedCredit + outcomes["skipped-credit"],
    skippedInactive: dispatch.skippedInactive + outcomes.skipped,
    alreadySent: dispatch.alreadySent + outcomes["already-sent"],
    settledUnsent: dispatch.settledUnsent,
    unsent: retry.length + queue.size,
    dispatch,
  };
}
