import { CATCH_UP_DAYS, type NoticeMessage } from "../../definitions/notices";
import {
  billKey,
  type NoticeMailer,
  type NoticeProfiles,
  type NoticeStates,
  type PendingBills,
  SendThrottledError,
} from "./ports";
import { decide, settles } from "./rules";

export type SendOutcome =
  | "sent"
  | "already-sent"
  /** The rules said no at send time (paper, inactive, bounced, too old). */
  | "skipped"
  /** The bill went into credit since the dispatch. */
  | "skipped-credit"
  /** Another sender holds the bill right now: try again later. */
  | "busy"
  /** SES throttled: back to the queue with a backoff. */
  | "throttled"
  /** No such claim (or no such bill): nothing to do. */
  | "unknown";

export interface SendDeps {
  readonly bills: PendingBills;
  readonly profiles: NoticeProfiles;
  readonly states: NoticeStates;
  readonly mailer: NoticeMailer;
  readonly now: () => Date;
  readonly catchUpDays?: number;
}

/**
 * Sends one queued notice, at most once: take the bill (queued → sending, with a lease; a duplicate
 * delivery finds it sent or busy), check the rules again (the customer may have switched to paper
 * since), send, record SES's message id, settle the bill. The only window for a second e-mail is a
 * crash between SES accepting the message and the state write that follows it.
 */
export async function sendNotice(message: NoticeMessage, deps: SendDeps): Promise<SendOutcome> {
  const { customerNumber, billId } = message;
  const begun = await deps.states.beginSending(customerNumber, billId, deps.now());
  if (begun.status === "already-sent") {
    await deps.bills.settle(customerNumber, billId);
    return "already-sent";
  }
  if (begun.status !== "begun") return begun.status;
  const owner = begun.owner;
  let messageId: string;
  let bill: Awaited<ReturnType<PendingBills["get"]>>;
  try {
    const found = await Promise.all([
      deps.bills.get(customerNumber, billId),
      deps.profiles.get(customerNumber),
    ]);
    bill = found[0];
    const profile = found[1];
    const now = deps.now();
    // The rules of the run's day: a re-run of a past day sends what that day's dispatch queued.
    const decision = bill
      ? decide(bill, profile, message.runDate, deps.catchUpDays ?? CATCH_UP_DAYS)
      : "stale";
    if (!bill || decision !== "eligible" || !profile?.email) {
      await deps.states.markSkipped(customerNumber, billId, owner, decision, now);
      if (bill && settles(decision)) await deps.bills.settle(customerNumber, billId);
      return decision === "skipped-credit" ? "skipped-credit" : "skipped";
    }
    messageId = await deps.mailer.sendBillAvailable({
      to: profile.email,
      language: profile.language ?? "fr",
      bill,
      billKey: billKey(customerNumber, billId),
    });
  } catch (error) {
    // Nothing was sent: back to queued for the next delivery.
    await deps.states.release(customerNumber, billId, owner).catch(() => undefined);
    if (error instanceof SendThrottledError) return "throttled";
    throw error;
  }
  // SES accepted the message. From here on, never release: record it, insisting, since a lost
  // record is the one way a second e-mail could go out (after the lease).
  // The two writes are independent (a lost settle only costs a re-read: the next run finds the
  // notice SENT and settles it), so they go at once: one round trip instead of two per notice.
  const [marked, settled] = await Promise.allSettled([
    persist(() => deps.states.markSent(customerNumber, billId, owner, messageId, deps.now())),
    deps.bills.settle(customerNumber, billId),
  ]);
  if (marked.status === "rejected") {
    // The e-mail went out but its record did not (the documented window): the bill goes back to the
    // pending index, so that a later run finds it and records it, as when the settle came after.
    if (settled.status === "fulfilled")
      await deps.bills.restore(customerNumber, billId).catch(() => undefined);
    throw marked.reason;
  }
  if (settled.status === "rejected") throw settled.reason;
  return "sent";
}

/** Retries a write a few times with a short backoff before giving up. */
async function persist(write: () => Promise<void>, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 50 * 2 ** i));
    }
  }
}
