import type { NoticeMessage } from "../../definitions/notices";
import type { NoticeProfile } from "./rules";

export interface NoticeBill {
  readonly customerNumber: string;
  readonly billId: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly availableOn: string;
  readonly amountDueCents: number;
  readonly balanceCents: number;
}

export interface BillPage {
  readonly bills: readonly NoticeBill[];
  readonly next?: Record<string, unknown>;
}

/** The pending-notices index and the bills themselves. */
export interface PendingBills {
  readonly shards: number;
  page(shard: number, upTo: string, next?: Record<string, unknown>): Promise<BillPage>;
  get(customerNumber: string, billId: string): Promise<NoticeBill | undefined>;
  /** The bill leaves the pending index (its notice is settled). */
  settle(customerNumber: string, billId: string): Promise<void>;
  /** The bill returns to the pending index (a settle that ran ahead of a write that then failed). */
  restore(customerNumber: string, billId: string): Promise<void>;
}

export interface NoticeProfiles {
  getMany(customerNumbers: readonly string[]): Promise<Map<string, NoticeProfile>>;
  get(customerNumber: string): Promise<NoticeProfile | undefined>;
}

/**
 * `resumed`: this same run had claimed the bill already (a retry or continuation after a cut-off):
 * claimed again, to be queued again, since the first claim may never have reached the queue.
 */
export type ClaimResult = "claimed" | "resumed" | "already-sent" | "already-queued";
export type BeginResult =
  | { readonly status: "begun"; readonly owner: string }
  | { readonly status: "already-sent" }
  | { readonly status: "busy" }
  | { readonly status: "unknown" };

/** The per-bill state machine: queued → sending (leased) → sent, or skipped. */
export interface NoticeStates {
  /**
   * Conditional: only a bill never claimed, skipped, whose lease ran out, or still QUEUED by this
   * same run (`resumed`).
   */
  claim(bill: NoticeBill, runId: string, now: Date): Promise<ClaimResult>;
  /** Conditional: queued, or sending with an expired lease. */
  beginSending(customerNumber: string, billId: string, now: Date): Promise<BeginResult>;
  markSent(
    customerNumber: string,
    billId: string,
    owner: string,
    messageId: string,
    now: Date,
  ): Promise<void>;
  markSkipped(
    customerNumber: string,
    billId: string,
    owner: string,
    reason: string,
    now: Date,
  ): Promise<void>;
  /** Back to queued, so that the next delivery sends it (after a throttled or failed send). */
  release(customerNumber: string, billId: string, owner: string): Promise<void>;
}

export interface NoticeQueue {
  /** Puts messages on the queue; returns those it could not (to be claimed again after the lease). */
  send(messages: readonly NoticeMessage[]): Promise<readonly NoticeMessage[]>;
}

export interface BillAvailableMail {
  readonly to: string;
  readonly language: "fr" | "en";
  readonly bill: NoticeBill;
  /** For SES message tags: which bill, to trace a bounce back. */
  readonly billKey: string;
}

export interface NoticeMailer {
  /** Returns SES's message id. Throws SendThrottledError when SES throttles. */
  sendBillAvailable(mail: BillAvailableMail): Promise<string>;
}

/** SES refused for now (rate exceeded, sending paused): the message goes back to the queue. */
export class SendThrottledError extends Error {
  constructor(readonly retryAfterSeconds = 5) {
    super("SES throttled the send");
    this.name = "SendThrottledError";
  }
}

export function billKey(customerNumber: string, billId: string): string {
  return `${customerNumber}#${billId}`;
}
