import { noticeShard } from "../../../lambdas/adapters/billing-items";
import {
  CLAIM_LEASE_SECONDS,
  type NoticeMessage,
  SENDING_LEASE_SECONDS,
} from "../../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../../lambdas/definitions/tables";
import {
  type DispatchDeps,
  type DispatchSummary,
  dispatchNotices,
} from "../../../lambdas/domain/notices/dispatch";
import {
  type BeginResult,
  type BillAvailableMail,
  type BillPage,
  billKey,
  type ClaimResult,
  type NoticeBill,
  type NoticeMailer,
  type NoticeProfiles,
  type NoticeQueue,
  type NoticeStates,
  type PendingBills,
  SendThrottledError,
} from "../../../lambdas/domain/notices/ports";
import type { NoticeProfile } from "../../../lambdas/domain/notices/rules";
import { type SendDeps, type SendOutcome, sendNotice } from "../../../lambdas/domain/notices/send";
import { ConditionFailed, FakeClock } from "./enrollment-fakes";

/**
 * In-memory stand-ins for the ports of the notice pipeline (lambdas/domain/notices/ports.ts). Each
 * fake applies the same conditions as its adapter (notice-store.ts, pending-bills.ts,
 * profile-store.ts), atomically within one call. Every call goes through `io.run`, which records
 * it, yields to other promises (so concurrent runs interleave), and asks the fault injector whether
 * to throw before the work (a crash: nothing done) or after it (the write happened, or SES accepted
 * the e-mail, and then the caller crashed or lost the response).
 */

export { ConditionFailed, FakeClock };

// ---------------------------------------------------------------------------------------------
// Calls, faults, yielding
// ---------------------------------------------------------------------------------------------

export type NoticeMethod =
  | "bills.page"
  | "bills.get"
  | "bills.settle"
  | "bills.restore"
  | "profiles.getMany"
  | "profiles.get"
  | "states.claim"
  | "states.beginSending"
  | "states.markSent"
  | "states.markSkipped"
  | "states.release"
  | "queue.send"
  | "mailer.sendBillAvailable";

export type FaultPhase = "before" | "after";

export class InjectedFault extends Error {
  constructor(
    readonly method: NoticeMethod,
    readonly phase: FaultPhase,
  ) {
    super(`injected fault: ${method} (${phase})`);
    this.name = "InjectedFault";
  }
}

/** Plans faults by call number: "fail the nth call of X from now on, before or after its work". */
export class NoticeFaults {
  private readonly counts = new Map<NoticeMethod, number>();
  private readonly plans: { method: NoticeMethod; call: number; phase: FaultPhase }[] = [];
  /** Faults decided per call by a function (random fault injection); planned faults come first. */
  decide?: (method: NoticeMethod, call: number) => FaultPhase | undefined;

  /** The nth call of `method` from now on (1 = the next one) throws an InjectedFault, once. */
  failOn(method: NoticeMethod, nth = 1, phase: FaultPhase = "before"): void {
    this.plans.push({ method, call: this.count(method) + nth, phase });
  }

  /** The next `times` calls of `method` all fail (e.g. markSent beyond its retries). */
  failNext(method: NoticeMethod, times: number, phase: FaultPhase = "before"): void {
    for (let i = 1; i <= times; i++) this.failOn(method, i, phase);
  }

  clear(): void {
    this.plans.length = 0;
    this.decide = undefined;
  }

  get pending(): number {
    return this.plans.length;
  }

  count(method: NoticeMethod): number {
    return this.counts.get(method) ?? 0;
  }

  /** @internal: counts a call; the phase to fail it at, if any. */
  arm(method: NoticeMethod): FaultPhase | undefined {
    const call = this.count(method) + 1;
    this.counts.set(method, call);
    const index = this.plans.findIndex((p) => p.method === method && p.call === call);
    if (index >= 0) {
      const [plan] = this.plans.splice(index, 1);
      return plan?.phase;
    }
    return this.decide?.(method, call);
  }
}

export type YieldMode = "none" | "microtask" | "immediate" | { readonly seed: number };

/** xorshift32: a small seeded PRNG, the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function pauser(mode: YieldMode): () => Promise<void> {
  if (mode === "none") return async () => {};
  if (mode === "microtask") return () => Promise.resolve();
  if (mode === "immediate") return () => new Promise((resolve) => setImmediate(resolve));
  const random = prng(mode.seed);
  return async () => {
    const r = random();
    if (r < 0.2) {
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    for (let i = Math.floor(r * 8); i > 0; i--) await Promise.resolve();
  };
}

export interface NoticeIo {
  readonly calls: NoticeMethod[];
  readonly faults: NoticeFaults;
  run<T>(method: NoticeMethod, body: () => T): Promise<T>;
}

export function createNoticeIo(mode: YieldMode = "microtask", faults = new NoticeFaults()): NoticeIo {
  const pause = pauser(mode);
  const calls: NoticeMethod[] = [];
  return {
    calls,
    faults,
    async run(method, body) {
      calls.push(method);
      await pause();
      const phase = faults.arm(method);
      if (phase === "before") throw new InjectedFault(method, phase);
      const result = body();
      if (phase === "after") throw new InjectedFault(method, phase);
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Bills and their sparse pending-notices index (pending-bills.ts, billing-repository.ts)
// ---------------------------------------------------------------------------------------------

export interface BillRow extends NoticeBill {
  /** Present while the notice is pending (the partition of the sparse index). */
  noticeShard?: string;
}

type IndexKey = readonly [availableOn: string, customerNumber: string, billId: string];

function indexKey(bill: NoticeBill): IndexKey {
  return [bill.availableOn, bill.customerNumber, bill.billId];
}

function compareKeys(a: IndexKey, b: IndexKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The Bills table with the `pendingNotices` index: `page` queries one shard for `availableOn <= upTo`
 * in index order, `pageSize` items at a time; like DynamoDB, a full page always carries a `next` key
 * (the last item's), even when nothing follows. `settle` removes `noticeShard` from an existing bill
 * (condition attribute_exists(billId)) and never creates one.
 */
export function fakePendingBills(io: NoticeIo, options: { pageSize?: number; shards?: number } = {}) {
  const rows = new Map<string, BillRow>();
  const pageSize = options.pageSize ?? 500;
  const shardOf = (bill: NoticeBill): string => {
    const shards = options.shards ?? NOTICE_SHARDS;
    return shards === NOTICE_SHARDS
      ? noticeShard(bill.customerNumber, bill.billId)
      : String(Number(noticeShard(bill.customerNumber, bill.billId)) % shards);
  };
  const bills: PendingBills = {
    shards: options.shards ?? NOTICE_SHARDS,
    page: (shard, upTo, next) =>
      io.run("bills.page", (): BillPage => {
        const start = next ? (next.key as IndexKey) : undefined;
        const matching = [...rows.values()]
          .filter((r) => r.noticeShard === String(shard) && r.availableOn <= upTo)
          .sort((a, b) => compareKeys(indexKey(a), indexKey(b)))
          .filter((r) => !start || compareKeys(indexKey(r), start) > 0)
          .slice(0, pageSize);
        const page = matching.map(({ noticeShard: _shard, ...bill }) => ({ ...bill }));
        const last = matching.at(-1);
        return {
          bills: page,
          ...(matching.length === pageSize && last ? { next: { key: indexKey(last) } } : {}),
        };
      }),
    get: (customerNumber, billId) =>
      io.run("bills.get", () => {
        const row = rows.get(billKey(customerNumber, billId));
        if (!row) return undefined;
        const { noticeShard: _shard, ...bill } = row;
        return { ...bill };
      }),
    restore: (customerNumber, billId) =>
      io.run("bills.restore", () => {
        const row = rows.get(billKey(customerNumber, billId));
        if (row) row.noticeShard = shardOf(row);
      }),
    settle: (customerNumber, billId) =>
      io.run("bills.settle", () => {
        const row = rows.get(billKey(customerNumber, billId));
        if (row) delete row.noticeShard;
      }),
  };
  return {
    bills,
    rows,
    /** An import of the bill: the whole item replaced, back in the pending index. */
    put(bill: NoticeBill): void {
      rows.set(billKey(bill.customerNumber, bill.billId), { ...bill, noticeShard: shardOf(bill) });
    },
    isPending(customerNumber: string, billId: string): boolean {
      return rows.get(billKey(customerNumber, billId))?.noticeShard !== undefined;
    },
    pendingKeys(): string[] {
      return [...rows.values()]
        .filter((r) => r.noticeShard !== undefined)
        .map((r) => billKey(r.customerNumber, r.billId));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Profiles as the notice rules read them (noticeProfiles in profile-store.ts)
// ---------------------------------------------------------------------------------------------

export interface NoticeProfileRow extends NoticeProfile {
  readonly customerNumber: string;
}

export function fakeNoticeProfiles(io: NoticeIo) {
  const rows = new Map<string, NoticeProfileRow>();
  const profiles: NoticeProfiles = {
    getMany: (customerNumbers) =>
      io.run("profiles.getMany", () => {
        const found = new Map<string, NoticeProfile>();
        for (const n of customerNumbers) {
          const row = rows.get(n);
          if (row) found.set(n, { ...row });
        }
        return found;
      }),
    get: (customerNumber) =>
      io.run("profiles.get", () => {
        const row = rows.get(customerNumber);
        return row ? { ...row } : undefined;
      }),
  };
  return {
    profiles,
    rows,
    put(row: NoticeProfileRow): void {
      rows.set(row.customerNumber, { ...row });
    },
    update(customerNumber: string, changes: Partial<NoticeProfileRow>): void {
      const row = rows.get(customerNumber);
      if (!row) throw new Error(`no profile ${customerNumber}`);
      rows.set(customerNumber, { ...row, ...changes });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The notices table (notice-store.ts)
// ---------------------------------------------------------------------------------------------

export type NoticeStateName = "QUEUED" | "SENDING" | "SENT" | "SKIPPED";

export interface NoticeStateItem {
  billKey: string;
  state: NoticeStateName;
  customerNumber: string;
  billId: string;
  runId: string;
  claimedAt: string;
  leaseUntil?: number;
  sendOwner?: string;
  sendAttempts?: number;
  sesMessageId?: string;
  sentAt?: string;
  skippedReason?: string;
  skippedAt?: string;
}

/** DynamoDB: `a < b` with a missing attribute is false. */
const lessThan = (value: number | undefined, bound: number) => value !== undefined && value < bound;

/** Same conditions as noticeStates (notice-store.ts). Owners are "owner-1", "owner-2", … */
export function fakeNoticeStates(io: NoticeIo) {
  const items = new Map<string, NoticeStateItem>();
  let owners = 0;
  const states: NoticeStates = {
    claim: (bill, runId, now) =>
      io.run("states.claim", (): ClaimResult => {
        const key = billKey(bill.customerNumber, bill.billId);
        const nowMs = now.getTime();
        const item = items.get(key);
        const resumed = item?.state === "QUEUED" && item.runId === runId;
        const allowed =
          item === undefined ||
          item.state === "SKIPPED" ||
          resumed ||
          ((item.state === "QUEUED" || item.state === "SENDING") && lessThan(item.leaseUntil, nowMs));
        if (!allowed) return item?.state === "SENT" ? "already-sent" : "already-queued";
        // UpdateItem SET: the attributes not named (sendOwner, sendAttempts, …) are kept.
        items.set(key, {
          ...item,
          billKey: key,
          state: "QUEUED",
          customerNumber: bill.customerNumber,
          billId: bill.billId,
          runId,
          claimedAt: now.toISOString(),
          leaseUntil: nowMs + CLAIM_LEASE_SECONDS * 1000,
        });
        return resumed ? "resumed" : "claimed";
      }),

    beginSending: (customerNumber, billId, now) =>
      io.run("states.beginSending", (): BeginResult => {
        const item = items.get(billKey(customerNumber, billId));
        const nowMs = now.getTime();
        const owner = `owner-${++owners}`;
        const allowed =
          item !== undefined &&
          (item.state === "QUEUED" || (item.state === "SENDING" && lessThan(item.leaseUntil, nowMs)));
        if (!allowed) {
          if (item?.state === "SENT") return { status: "already-sent" };
          if (item?.state === "SENDING") return { status: "busy" };
          return { status: "unknown" };
        }
        item.state = "SENDING";
        item.leaseUntil = nowMs + SENDING_LEASE_SECONDS * 1000;
        item.sendOwner = owner;
        item.sendAttempts = (item.sendAttempts ?? 0) + 1;
        return { status: "begun", owner };
      }),

    markSent: (customerNumber, billId, owner, messageId, now) =>
      io.run("states.markSent", () => {
        const item = items.get(billKey(customerNumber, billId));
        if (!item || item.sendOwner !== owner) throw new ConditionFailed("markSent: not the owner");
        item.state = "SENT";
        item.sesMessageId = messageId;
        item.sentAt = now.toISOString();
        delete item.leaseUntil;
      }),

    markSkipped: (customerNumber, billId, owner, reason, now) =>
      io.run("states.markSkipped", () => {
        const item = items.get(billKey(customerNumber, billId));
        if (!item || item.sendOwner !== owner) throw new ConditionFailed("markSkipped: not the owner");
        item.state = "SKIPPED";
        item.skippedReason = reason;
        item.skippedAt = now.toISOString();
        delete item.leaseUntil;
      }),

    release: (customerNumber, billId, owner) =>
      io.run("states.release", () => {
        const item = items.get(billKey(customerNumber, billId));
        // The adapter swallows the condition failure: nothing of ours to give back.
        if (item?.state !== "SENDING" || item.sendOwner !== owner) return;
        item.state = "QUEUED";
        item.leaseUntil = 0;
      }),
  };
  return {
    states,
    items,
    state(customerNumber: string, billId: string): NoticeStateItem | undefined {
      const item = items.get(billKey(customerNumber, billId));
      return item ? { ...item } : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The queue (SQS) and the mailer (SES)
// ---------------------------------------------------------------------------------------------

/**
 * The notice queue, with SQS's at-least-once semantics left to the driver: `take` receives
 * messages, `requeue` puts back those whose processing failed (redelivery after the visibility
 * timeout). `refuse(n)` makes the next n messages sent come back as Failed entries.
 */
export function fakeNoticeQueue(io: NoticeIo) {
  const messages: NoticeMessage[] = [];
  const accepted: NoticeMessage[] = [];
  let refusals = 0;
  const queue: NoticeQueue = {
    send: (batch) =>
      io.run("queue.send", () => {
        const refused: NoticeMessage[] = [];
        for (const m of batch) {
          if (refusals > 0) {
            refusals--;
            refused.push(m);
            continue;
          }
          messages.push({ ...m });
          accepted.push({ ...m });
        }
        return refused;
      }),
  };
  return {
    queue,
    /** Every message the queue accepted, in order. */
    accepted,
    take: (n = Number.POSITIVE_INFINITY) => messages.splice(0, n),
    requeue: (batch: readonly NoticeMessage[]) => void messages.push(...batch),
    get size() {
      return messages.length;
    },
    refuse(n: number): void {
      refusals += n;
    },
  };
}

export interface SentNotice extends BillAvailableMail {
  readonly messageId: string;
}

/** SES: records each accepted e-mail; `throttle(n)` makes the next n sends throw SendThrottledError. */
export function fakeNoticeMailer(io: NoticeIo) {
  const sent: SentNotice[] = [];
  let throttles = 0;
  let ids = 0;
  const mailer: NoticeMailer = {
    sendBillAvailable: (mail) =>
      io.run("mailer.sendBillAvailable", () => {
        if (throttles > 0) {
          throttles--;
          throw new SendThrottledError(1);
        }
        const messageId = `ses-${++ids}`;
        sent.push({ ...mail, messageId });
        return messageId;
      }),
  };
  return {
    mailer,
    sent,
    throttle(n: number): void {
      throttles += n;
    },
    /** How many e-mails went out for one bill. */
    count(customerNumber: string, billId: string): number {
      const key = billKey(customerNumber, billId);
      return sent.filter((m) => m.billKey === key).length;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The world: every fake wired together, and a driver of the daily pipeline
// ---------------------------------------------------------------------------------------------

export const NOTICE_T0 = new Date("2026-11-20T15:00:00.000Z"); // 10:00 in Toronto, 2026-11-20

export interface NoticeWorldOptions {
  readonly yield?: YieldMode;
  readonly start?: Date;
  readonly pageSize?: number;
  readonly shards?: number;
  readonly catchUpDays?: number;
  readonly concurrency?: number;
}

export interface DayResult {
  /** The dispatcher's summary, or its error (a crashed dispatcher run). */
  readonly dispatch: DispatchSummary | Error;
  readonly outcomes: Record<SendOutcome | "error", number>;
  /** Messages still in the queue after the bounded delivery rounds (SQS would keep them). */
  readonly left: number;
}

export function noticeWorld(options: NoticeWorldOptions = {}) {
  const faults = new NoticeFaults();
  const io = createNoticeIo(options.yield ?? "microtask", faults);
  const clock = new FakeClock(options.start ?? NOTICE_T0);
  const bills = fakePendingBills(io, {
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.shards ? { shards: options.shards } : {}),
  });
  const profiles = fakeNoticeProfiles(io);
  const states = fakeNoticeStates(io);
  const queue = fakeNoticeQueue(io);
  const mailer = fakeNoticeMailer(io);
  let runs = 0;

  const dispatchDeps: DispatchDeps = {
    bills: bills.bills,
    profiles: profiles.profiles,
    states: states.states,
    queue: queue.queue,
    now: clock.now,
    ...(options.catchUpDays !== undefined ? { catchUpDays: options.catchUpDays } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
  const sendDeps: SendDeps = {
    bills: bills.bills,
    profiles: profiles.profiles,
    states: states.states,
    mailer: mailer.mailer,
    now: clock.now,
    ...(options.catchUpDays !== undefined ? { catchUpDays: options.catchUpDays } : {}),
  };

  const w = {
    io,
    faults,
    clock,
    calls: io.calls,
    bills,
    profiles,
    states,
    queue,
    mailer,
    dispatchDeps,
    sendDeps,
    /** The deps of runNotices (local/notices/run-notices.ts). */
    runDeps: {
      bills: bills.bills,
      profiles: profiles.profiles,
      states: states.states,
      mailer: mailer.mailer,
      now: clock.now,
    },

    dispatch(today: string, dryRun = false): Promise<DispatchSummary> {
      return dispatchNotices(today, `run-${++runs}`, dispatchDeps, { dryRun });
    },

    send(message: NoticeMessage): Promise<SendOutcome> {
      return sendNotice(message, sendDeps);
    },

    /**
     * Delivers the queued messages like SQS to a sender: a message whose processing throws, or
     * comes back throttled or busy, is delivered again in a later round; the others are deleted.
     */
    async deliver(rounds = 5): Promise<Record<SendOutcome | "error", number>> {
      const outcomes: Record<SendOutcome | "error", number> = {
        sent: 0,
        "already-sent": 0,
        skipped: 0,
        "skipped-credit": 0,
        busy: 0,
        throttled: 0,
        unknown: 0,
        error: 0,
      };
      for (let round = 0; round < rounds && queue.size > 0; round++) {
        const again: NoticeMessage[] = [];
        for (const message of queue.take()) {
          try {
            const outcome = await sendNotice(message, sendDeps);
            outcomes[outcome]++;
            if (outcome === "throttled" || outcome === "busy") again.push(message);
          } catch {
            outcomes.error++;
            again.push(message);
          }
        }
        queue.requeue(again);
      }
      return outcomes;
    },

    /** One day's pipeline: the dispatcher (a crash is recorded, not thrown), then the senders. */
    async day(today: string, rounds = 5): Promise<DayResult> {
      let dispatch: DispatchSummary | Error;
      try {
        dispatch = await w.dispatch(today);
      } catch (error) {
        dispatch = error as Error;
      }
      const outcomes = await w.deliver(rounds);
      return { dispatch, outcomes, left: queue.size };
    },

    seedBill(bill: Partial<NoticeBill> & Pick<NoticeBill, "customerNumber" | "billId">): NoticeBill {
      const full: NoticeBill = {
        billingDate: "2026-11-17",
        dueDate: "2026-12-08",
        availableOn: "2026-11-20",
        amountDueCents: 7315,
        balanceCents: 7315,
        ...bill,
      };
      bills.put(full);
      return full;
    },

    seedProfile(row: Partial<NoticeProfileRow> & Pick<NoticeProfileRow, "customerNumber">): void {
      profiles.put({
        status: "ACTIVE",
        billing: "electronic",
        email: `c${row.customerNumber}@example.test`,
        language: "fr",
        activatedAt: "2026-01-15T15:00:00.000Z",
        electronicSince: "2026-01-15T15:00:00.000Z",
        ...row,
      });
    },
  };
  return w;
}

export type NoticeWorld = ReturnType<typeof noticeWorld>;
