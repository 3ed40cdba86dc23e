import { describe, expect, it } from "vitest";
import { CLAIM_LEASE_SECONDS, SENDING_LEASE_SECONDS } from "../../../lambdas/definitions/notices";
import { addDays } from "../../../lambdas/domain/dates";
import { billKey } from "../../../lambdas/domain/notices/ports";
import { runNotices } from "../../../local/notices/run-notices";
import {
  type FaultPhase,
  type NoticeMethod,
  type NoticeWorld,
  noticeWorld,
  type YieldMode,
} from "../../support/fakes/notice-fakes";

/**
 * The sender (lambdas/domain/notices/send.ts) and the whole pipeline on the in-memory fakes:
 * duplicate deliveries, throttling, a customer who changes their mind, and a crash at every step
 * followed by the next run.
 */

const TODAY = "2026-11-20";
const CUSTOMER = "9210001";

function oneBill(options: { yield?: YieldMode } = {}) {
  const w = noticeWorld(options);
  w.seedProfile({ customerNumber: CUSTOMER });
  w.seedBill({ customerNumber: CUSTOMER, billId: "B" });
  return w;
}

const message = (customerNumber = CUSTOMER, billId = "B") => ({
  customerNumber,
  billId,
  runId: "run-1",
  runDate: TODAY,
});

describe("sendNotice: one message", () => {
  it("sends the e-mail in the customer's language with the bill, records SES's id, settles the bill", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    expect(await w.send(message())).toBe("sent");
    expect(w.mailer.sent).toEqual([
      expect.objectContaining({
        to: `c${CUSTOMER}@example.test`,
        language: "fr",
        billKey: billKey(CUSTOMER, "B"),
        bill: expect.objectContaining({
          billingDate: "2026-11-17",
          dueDate: "2026-12-08",
          amountDueCents: 7315,
        }),
      }),
    ]);
    expect(w.states.state(CUSTOMER, "B")).toMatchObject({ state: "SENT", sesMessageId: "ses-1" });
    expect(w.bills.isPending(CUSTOMER, "B")).toBe(false);
  });

  it("English profile → English e-mail; a profile without a language → French", async () => {
    const w = noticeWorld();
    w.seedProfile({ customerNumber: "9210002", language: "en" });
    w.seedBill({ customerNumber: "9210002", billId: "B" });
    w.seedProfile({ customerNumber: "9210003", language: undefined });
    w.seedBill({ customerNumber: "9210003", billId: "B" });
    await w.day(TODAY);
    expect(Object.fromEntries(w.mailer.sent.map((m) => [m.to, m.language]))).toEqual({
      "c9210002@example.test": "en",
      "c9210003@example.test": "fr",
    });
  });

  it("duplicate delivery of the same message → one e-mail (the second finds it sent)", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    expect(await w.send(message())).toBe("sent");
    expect(await w.send(message())).toBe("already-sent");
    expect(w.mailer.sent).toHaveLength(1);
  });

  const MODES: { name: string; mode: YieldMode }[] = [
    { name: "microtask", mode: "microtask" },
    { name: "setImmediate", mode: "immediate" },
    ...Array.from({ length: 20 }, (_, i) => ({ name: `seed ${i + 1}`, mode: { seed: 100 + i } })),
  ];

  it.each(MODES)("concurrent duplicate deliveries ($name) → one e-mail", async ({ mode }) => {
    const w = oneBill({ yield: mode });
    await w.dispatch(TODAY);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => w.send(message())));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(outcomes.every((o) => ["sent", "busy", "already-sent"].includes(o))).toBe(true);
    expect(w.mailer.sent).toHaveLength(1);
    // The busy ones come back later and find it sent.
    for (const o of outcomes) if (o === "busy") expect(await w.send(message())).toBe("already-sent");
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('throttled → "throttled", the state is back to QUEUED, the next delivery sends', async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.mailer.throttle(1);
    expect(await w.send(message())).toBe("throttled");
    expect(w.states.state(CUSTOMER, "B")).toMatchObject({ state: "QUEUED" });
    expect(w.bills.isPending(CUSTOMER, "B")).toBe(true);
    expect(w.mailer.sent).toHaveLength(0);
    expect(await w.send(message())).toBe("sent");
    expect(w.mailer.sent).toHaveLength(1);
  });

  it("throttled many times: retried, never lost, one e-mail in the end", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.mailer.throttle(7);
    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await w.send(message()));
    expect(outcomes).toEqual([...Array(7).fill("throttled"), "sent"]);
    expect(w.mailer.sent).toHaveLength(1);
  });

  it("customer switched to paper between dispatch and send → skipped, no e-mail; back in the pending run", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.profiles.update(CUSTOMER, { billing: "paper" });
    expect(await w.send(message())).toBe("skipped");
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.states.state(CUSTOMER, "B")).toMatchObject({
      state: "SKIPPED",
      skippedReason: "skipped-inactive",
    });
    // Inactive is not final: the bill stays pending and the next runs count it skipped-inactive.
    expect(w.bills.isPending(CUSTOMER, "B")).toBe(true);
    expect(await w.dispatch(TODAY)).toMatchObject({ skippedInactive: 1, queued: 0 });
  });

  it("the bill went into credit between dispatch and send (a re-import) → skipped and settled", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.seedBill({ customerNumber: CUSTOMER, billId: "B", balanceCents: -100 });
    expect(await w.send(message())).toBe("skipped-credit");
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.states.state(CUSTOMER, "B")).toMatchObject({
      state: "SKIPPED",
      skippedReason: "skipped-credit",
    });
    expect(w.bills.isPending(CUSTOMER, "B")).toBe(false);
  });

  it("the address bounced between dispatch and send → skipped, no e-mail", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.profiles.update(CUSTOMER, { emailUndeliverable: true });
    expect(await w.send(message())).toBe("skipped");
    expect(w.mailer.sent).toHaveLength(0);
  });

  it("a message for a bill never claimed, or deleted since → no e-mail", async () => {
    const w = oneBill();
    expect(await w.send(message())).toBe("unknown");
    await w.dispatch(TODAY);
    w.bills.rows.delete(billKey(CUSTOMER, "B"));
    expect(await w.send(message())).toBe("skipped");
    expect(w.mailer.sent).toHaveLength(0);
  });

  it("a sender that died holding the bill: busy within SENDING_LEASE_SECONDS, taken over after it", async () => {
    const w = oneBill();
    await w.dispatch(TODAY);
    w.faults.failOn("states.beginSending", 1, "after");
    await expect(w.send(message())).rejects.toThrow(/injected/);
    expect(await w.send(message())).toBe("busy");
    w.clock.advance(SENDING_LEASE_SECONDS);
    expect(await w.send(message())).toBe("busy");
    w.clock.advance(1);
    expect(await w.send(message())).toBe("sent");
    expect(w.mailer.sent).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// A crash at each step, then the pipeline again past the leases
// ---------------------------------------------------------------------------------------------

const ELIGIBLE = ["9211001", "9211002", "9211003"];
const PAPER = "9211009";

function crashWorld(): NoticeWorld {
  const w = noticeWorld({ pageSize: 2 });
  for (const customerNumber of ELIGIBLE) {
    w.seedProfile({ customerNumber, language: customerNumber.endsWith("2") ? "en" : "fr" });
    w.seedBill({ customerNumber, billId: `B-${customerNumber}` });
  }
  w.seedProfile({ customerNumber: PAPER, billing: "paper" });
  w.seedBill({ customerNumber: PAPER, billId: `B-${PAPER}` });
  return w;
}

type Driver = "sqs" | "runNotices";

/** One run of the pipeline for TODAY; a crash anywhere is absorbed (the next run is the recovery). */
async function runOnce(w: NoticeWorld, driver: Driver): Promise<void> {
  if (driver === "sqs") {
    await w.day(TODAY);
    return;
  }
  await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1_000_000, maxRounds: 3 }).catch(() => undefined);
}

/** Runs again until nothing is pending (bounded), the clock past every lease between runs. */
async function recover(w: NoticeWorld, driver: Driver): Promise<void> {
  for (let run = 0; run < 4; run++) {
    w.clock.advance(Math.max(CLAIM_LEASE_SECONDS, SENDING_LEASE_SECONDS) + 1);
    await runOnce(w, driver);
  }
}

function expectExactlyOnce(w: NoticeWorld): void {
  for (const customerNumber of ELIGIBLE) {
    expect({ customerNumber, mails: w.mailer.count(customerNumber, `B-${customerNumber}`) }).toEqual({
      customerNumber,
      mails: 1,
    });
    expect(w.states.state(customerNumber, `B-${customerNumber}`)?.state).toBe("SENT");
  }
  expect(w.mailer.count(PAPER, `B-${PAPER}`)).toBe(0);
  expect(w.mailer.sent).toHaveLength(ELIGIBLE.length);
  // Only the paper customer's bill is still pending (it may become eligible later).
  expect(w.bills.pendingKeys()).toEqual([billKey(PAPER, `B-${PAPER}`)]);
}

const CRASHES: { step: string; method: NoticeMethod; phase: FaultPhase; nth: number[] }[] = [
  {
    step: "claim written, then the dispatcher crashed",
    method: "states.claim",
    phase: "after",
    nth: [1, 2, 3],
  },
  { step: "claim refused (a crash before the write)", method: "states.claim", phase: "before", nth: [1, 3] },
  { step: "the queue send failed", method: "queue.send", phase: "before", nth: [1] },
  {
    step: "the queue took the messages, then the dispatcher crashed",
    method: "queue.send",
    phase: "after",
    nth: [1],
  },
  { step: "the page read failed", method: "bills.page", phase: "before", nth: [1, 4] },
  { step: "the profiles read failed", method: "profiles.getMany", phase: "before", nth: [1] },
  {
    step: "beginSending written, then the sender crashed",
    method: "states.beginSending",
    phase: "after",
    nth: [1, 2],
  },
  { step: "beginSending failed", method: "states.beginSending", phase: "before", nth: [1] },
  { step: "reading the bill failed (bills.get)", method: "bills.get", phase: "before", nth: [1, 3] },
  { step: "reading the profile failed", method: "profiles.get", phase: "before", nth: [2] },
  {
    step: "SES refused before sending (mailer-before)",
    method: "mailer.sendBillAvailable",
    phase: "before",
    nth: [1, 2],
  },
  { step: "markSent failed once (persist retries it)", method: "states.markSent", phase: "before", nth: [1] },
  {
    step: "markSent written, response lost (persist retries)",
    method: "states.markSent",
    phase: "after",
    nth: [1],
  },
  {
    step: "settle failed after the e-mail was recorded",
    method: "bills.settle",
    phase: "before",
    nth: [1, 2],
  },
  { step: "settle written, then the sender crashed", method: "bills.settle", phase: "after", nth: [1] },
];

describe.each<Driver>(["sqs", "runNotices"])(
  "a crash at each step, then the next runs (%s driver)",
  (driver) => {
    // runNotices keeps its own in-memory queue: the queue faults apply to the SQS driver only.
    for (const crash of CRASHES.filter((c) => driver === "sqs" || c.method !== "queue.send")) {
      it.each(crash.nth)(
        `${crash.step} [${crash.method} ${crash.phase}, call %i] → exactly one e-mail per eligible bill`,
        async (nth) => {
          const w = crashWorld();
          w.faults.failOn(crash.method, nth, crash.phase);
          await runOnce(w, driver);
          expect(w.faults.pending).toBe(0);
          await recover(w, driver);
          expectExactlyOnce(w);
        },
      );
    }

    it("release failed after a throttled send (the bill stays SENDING until its lease) → exactly one e-mail", async () => {
      const w = crashWorld();
      w.mailer.throttle(1);
      w.faults.failOn("states.release", 1, "before");
      await runOnce(w, driver);
      await recover(w, driver);
      expectExactlyOnce(w);
    });

    it("markSkipped failed (customer switched to paper meanwhile) → no e-mail to them, one to the others", async () => {
      const w = crashWorld();
      await w.dispatch(TODAY);
      w.profiles.update("9211001", { billing: "paper" });
      w.faults.failOn("states.markSkipped", 1, "before");
      await w.deliver();
      await recover(w, driver);
      expect(w.mailer.count("9211001", "B-9211001")).toBe(0);
      expect(w.mailer.count("9211002", "B-9211002")).toBe(1);
      expect(w.mailer.count("9211003", "B-9211003")).toBe(1);
      expect(w.mailer.sent).toHaveLength(2);
    });

    it("faults on every step at once, several runs → exactly one e-mail per eligible bill", async () => {
      const w = crashWorld();
      for (const crash of CRASHES) {
        // markSent has retries of its own; failing it 5 times is the documented window, tested below.
        w.faults.failOn(crash.method, 1, crash.phase);
      }
      for (let run = 0; run < 8 && (w.faults.pending > 0 || w.bills.pendingKeys().length > 1); run++) {
        await runOnce(w, driver);
        w.clock.advance(CLAIM_LEASE_SECONDS + 1);
      }
      await recover(w, driver);
      expectExactlyOnce(w);
    });

    it("DOCUMENTED WINDOW: SES accepted the e-mail, then the sender crashed (mailer-after) → at most 2 e-mails for that bill, one for the others", async () => {
      const w = crashWorld();
      w.faults.failOn("mailer.sendBillAvailable", 1, "after");
      await runOnce(w, driver);
      await recover(w, driver);
      const first = w.mailer.sent[0];
      expect(first).toBeDefined();
      const [customerNumber, billId] = (first?.billKey ?? "#").split("#") as [string, string];
      expect(w.mailer.count(customerNumber, billId)).toBeGreaterThanOrEqual(1);
      expect(w.mailer.count(customerNumber, billId)).toBeLessThanOrEqual(2);
      for (const other of ELIGIBLE.filter((c) => c !== customerNumber)) {
        expect(w.mailer.count(other, `B-${other}`)).toBe(1);
      }
      for (const c of ELIGIBLE) expect(w.states.state(c, `B-${c}`)?.state).toBe("SENT");
      expect(w.mailer.count(PAPER, `B-${PAPER}`)).toBe(0);
    });

    it("DOCUMENTED WINDOW: markSent failed on every persist retry after SES accepted → at most 2 e-mails for that bill", {
      timeout: 20_000,
    }, async () => {
      const w = crashWorld();
      w.faults.failNext("states.markSent", 5, "before");
      await runOnce(w, driver);
      await recover(w, driver);
      const first = w.mailer.sent[0];
      const [customerNumber, billId] = (first?.billKey ?? "#").split("#") as [string, string];
      expect(w.mailer.count(customerNumber, billId)).toBeGreaterThanOrEqual(1);
      expect(w.mailer.count(customerNumber, billId)).toBeLessThanOrEqual(2);
      for (const other of ELIGIBLE.filter((c) => c !== customerNumber)) {
        expect(w.mailer.count(other, `B-${other}`)).toBe(1);
      }
      for (const c of ELIGIBLE) expect(w.states.state(c, `B-${c}`)?.state).toBe("SENT");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// runNotices: the local runner's summary
// ---------------------------------------------------------------------------------------------

describe("runNotices on the fakes", () => {
  it("prints the contract's counts: sent, skipped-credit, skipped-inactive, already-sent", async () => {
    const w = noticeWorld({ pageSize: 2 });
    w.seedProfile({ customerNumber: "9212001" });
    w.seedBill({ customerNumber: "9212001", billId: "B" });
    w.seedProfile({ customerNumber: "9212002" });
    w.seedBill({ customerNumber: "9212002", billId: "B", balanceCents: -1 });
    w.seedProfile({ customerNumber: "9212003", billing: "paper" });
    w.seedBill({ customerNumber: "9212003", billId: "B" });
    w.seedBill({ customerNumber: "9212004", billId: "B", availableOn: addDays(TODAY, -30) });
    w.mailer.throttle(2);

    const summary = await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1_000_000 });

    expect(summary).toMatchObject({
      sent: 1,
      skippedCredit: 1,
      skippedInactive: 1,
      alreadySent: 0,
      settledUnsent: 1,
      unsent: 0,
    });
    expect(w.mailer.sent).toHaveLength(1);
    const again = await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1_000_000 });
    expect(again).toMatchObject({ sent: 0, skippedCredit: 0, skippedInactive: 1, unsent: 0 });
    expect(w.mailer.sent).toHaveLength(1);
  });

  it("dry run: nothing sent, nothing written", async () => {
    const w = noticeWorld();
    w.seedProfile({ customerNumber: "9212101" });
    w.seedBill({ customerNumber: "9212101", billId: "B" });
    const summary = await runNotices(TODAY, w.runDeps, { dryRun: true, sendRatePerSecond: 1_000_000 });
    expect(summary).toMatchObject({ sent: 0, dispatch: { queued: 1 } });
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.states.items.size).toBe(0);
    expect(w.bills.isPending("9212101", "B")).toBe(true);
  });

  it("throttled beyond the rounds of a run: reported unsent, sent by the next run after the lease", async () => {
    const w = noticeWorld();
    w.seedProfile({ customerNumber: "9212201" });
    w.seedBill({ customerNumber: "9212201", billId: "B" });
    w.mailer.throttle(100);
    const first = await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1_000_000, maxRounds: 2 });
    expect(first).toMatchObject({ sent: 0, unsent: 1 });
    w.mailer.throttle(-100);
    w.clock.advance(CLAIM_LEASE_SECONDS + 1);
    // The release left it QUEUED with no lease: claimable at once, sent once.
    const second = await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1_000_000 });
    expect(second).toMatchObject({ sent: 1, unsent: 0 });
    expect(w.mailer.sent).toHaveLength(1);
  });

  /**
   * Regression (found by these tests, fixed in 1951a7b): `npm run notices -- --date D` dispatched with
   * the rules applied to D while the sender applied them to the date of `now`, so a bill due for D
   * but older than CATCH_UP_DAYS relative to now was claimed, then skipped and settled without a
   * notice, and counted as skipped-inactive. The message now carries the run's date.
   */
  it("re-running a past day (--date three days ago) sends the notices that day's dispatch queued", async () => {
    const day = "2026-11-17";
    const w = noticeWorld({ start: new Date("2026-11-20T15:00:00.000Z") }); // three days later
    w.seedProfile({ customerNumber: "9212301" });
    // Available on 2026-11-11: due for the run of 2026-11-17 (within 7 days), stale on 2026-11-20.
    w.seedBill({
      customerNumber: "9212301",
      billId: "B",
      billingDate: "2026-11-08",
      availableOn: "2026-11-11",
    });

    const summary = await runNotices(day, w.runDeps, { sendRatePerSecond: 1_000_000 });

    expect(summary.dispatch.queued).toBe(1);
    expect({
      sent: summary.sent,
      skippedInactive: summary.skippedInactive,
      mails: w.mailer.sent.length,
    }).toEqual({
      sent: 1,
      skippedInactive: 0,
      mails: 1,
    });
  });
});

describe("runNotices summary", () => {
  it("counts a bill that went into credit between dispatch and send as skipped-credit, not inactive", async () => {
    const w = oneBill();
    // The re-import lands while the dispatcher's claim is already on its way to a sender.
    const bills = {
      ...w.runDeps.bills,
      get: async (customerNumber: string, billId: string) => {
        const bill = await w.runDeps.bills.get(customerNumber, billId);
        return bill ? { ...bill, balanceCents: -100 } : bill;
      },
    };
    const summary = await runNotices(TODAY, { ...w.runDeps, bills }, { sendRatePerSecond: 1_000_000 });
    expect(summary).toMatchObject({ sent: 0, skippedCredit: 1, skippedInactive: 0 });
    expect(w.mailer.sent).toHaveLength(0);
  });
});
