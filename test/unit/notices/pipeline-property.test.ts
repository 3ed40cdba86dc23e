import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATCH_UP_DAYS, CLAIM_LEASE_SECONDS } from "../../../lambdas/definitions/notices";
import { addDays } from "../../../lambdas/domain/dates";
import { billKey } from "../../../lambdas/domain/notices/ports";
import { decide } from "../../../lambdas/domain/notices/rules";
import { runNotices } from "../../../local/notices/run-notices";
import { type FaultPhase, type NoticeMethod, noticeWorld, prng } from "../../support/fakes/notice-fakes";

/**
 * The exactly-once property on the fakes, with random accounts, bills, faults (before or after any
 * call, except after SES accepted an e-mail and markSent failing on every retry: the documented
 * window), random throttling and random interleavings: after enough runs, every eligible bill got
 * exactly one e-mail and no other bill got any.
 */

const TODAY = "2026-11-20";

const profileArb = fc.record({
  status: fc.constantFrom("ACTIVE", "ACTIVE", "ACTIVE", "PENDING_CONFIRMATION") as fc.Arbitrary<
    "ACTIVE" | "PENDING_CONFIRMATION"
  >,
  billing: fc.constantFrom("electronic", "electronic", "electronic", "paper") as fc.Arbitrary<
    "electronic" | "paper"
  >,
  language: fc.constantFrom("fr", "en") as fc.Arbitrary<"fr" | "en">,
  emailUndeliverable: fc.constantFrom(false, false, false, true),
  /** Activation: days before TODAY, and an hour of the day in UTC (near midnight in Toronto too). */
  activatedDaysAgo: fc.oneof(
    { arbitrary: fc.constant(90), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 2 },
  ),
  activatedHourUtc: fc.integer({ min: 0, max: 23 }),
  switchedBackDaysAgo: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 1 },
  ),
});

const billArb = fc.record({
  availableDaysAgo: fc.integer({ min: -2, max: CATCH_UP_DAYS + 3 }),
  balanceCents: fc.integer({ min: -500, max: 20_000 }),
});

const accountArb = fc.record({
  profile: fc.option(profileArb, { nil: undefined, freq: 8 }),
  bills: fc.array(billArb, { minLength: 1, maxLength: 3 }),
});

const scenarioArb = fc.record({
  accounts: fc.array(accountArb, { minLength: 1, maxLength: 25 }),
  faultSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  faultRate: fc.constantFrom(0, 0.05, 0.15, 0.3),
  throttleRate: fc.constantFrom(0, 0.2, 0.5),
  yieldSeed: fc.integer({ min: 1, max: 1000 }),
  driver: fc.constantFrom("sqs", "runNotices") as fc.Arbitrary<"sqs" | "runNotices">,
  pageSize: fc.integer({ min: 1, max: 7 }),
});

const iso = (date: string, hourUtc: number) => `${date}T${String(hourUtc).padStart(2, "0")}:30:00.000Z`;

describe("exactly one e-mail per eligible bill, whatever faults, throttling and interleavings", () => {
  const stats = { scenarios: 0, eligible: 0, mails: 0, faults: 0 };
  it("random accounts, bills and faults", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const w = noticeWorld({ yield: { seed: s.yieldSeed }, pageSize: s.pageSize });
        const eligible = new Set<string>();
        const all: string[] = [];
        s.accounts.forEach((account, i) => {
          const customerNumber = String(9220000 + i);
          const p = account.profile;
          const profile = p
            ? {
                customerNumber,
                status: p.status,
                billing: p.billing,
                language: p.language,
                email: `c${customerNumber}@example.test`,
                activatedAt: iso(addDays(TODAY, -p.activatedDaysAgo), p.activatedHourUtc),
                ...(p.switchedBackDaysAgo !== undefined
                  ? { electronicSince: iso(addDays(TODAY, -p.switchedBackDaysAgo), 12) }
                  : {}),
                ...(p.emailUndeliverable ? { emailUndeliverable: true } : {}),
              }
            : undefined;
          if (profile) w.profiles.put(profile);
          account.bills.forEach((b, j) => {
            const billId = `B${j}`;
            const availableOn = addDays(TODAY, -b.availableDaysAgo);
            w.seedBill({
              customerNumber,
              billId,
              availableOn,
              billingDate: addDays(availableOn, -3),
              balanceCents: b.balanceCents,
            });
            all.push(billKey(customerNumber, billId));
            // The oracle: due today, and the rules say so.
            if (
              availableOn <= TODAY &&
              decide({ availableOn, balanceCents: b.balanceCents }, profile, TODAY, CATCH_UP_DAYS) ===
                "eligible"
            ) {
              eligible.add(billKey(customerNumber, billId));
            }
          });
        });

        // Random faults, excluding the documented window.
        const random = prng(s.faultSeed);
        let faultRate = s.faultRate;
        let markSentFailuresInARow = 0;
        let fired = 0;
        const decideFault = (method: NoticeMethod): FaultPhase | undefined => {
          if (method === "states.markSent") {
            if (markSentFailuresInARow >= 3 || random() >= faultRate) {
              markSentFailuresInARow = 0;
              return undefined;
            }
            markSentFailuresInARow++;
            return random() < 0.5 ? "before" : "after";
          }
          if (random() >= faultRate) return undefined;
          if (method === "mailer.sendBillAvailable") return "before";
          return random() < 0.5 ? "before" : "after";
        };
        w.faults.decide = (method) => {
          const phase = decideFault(method);
          if (phase) fired++;
          return phase;
        };
        const mailer = w.mailer;
        const throttleRandom = prng(s.faultSeed ^ 0x5bd1e995);
        const originalSend = mailer.mailer.sendBillAvailable;
        mailer.mailer.sendBillAvailable = (mail) => {
          if (throttleRandom() < s.throttleRate) mailer.throttle(1);
          return originalSend(mail);
        };

        const maxRuns = 30;
        let runs = 0;
        const settledOrSent = () =>
          [...eligible].every((key) => w.states.items.get(key)?.state === "SENT") && w.queue.size === 0;
        for (; runs < maxRuns && (runs < 2 || !settledOrSent()); runs++) {
          if (s.driver === "sqs") await w.day(TODAY, 3);
          else
            await runNotices(TODAY, w.runDeps, { sendRatePerSecond: 1e9, maxRounds: 2 }).catch(
              () => undefined,
            );
          w.clock.advance(CLAIM_LEASE_SECONDS + 1);
          // Later runs have fewer faults, so that the pipeline converges.
          if (runs === 10) faultRate /= 3;
          if (runs === 20) w.faults.clear();
        }
        // A last clean run: nothing more may go out.
        w.faults.clear();
        await w.day(TODAY, 3);

        const counts = new Map<string, number>();
        for (const m of w.mailer.sent) counts.set(m.billKey, (counts.get(m.billKey) ?? 0) + 1);
        expect([...counts.keys()].filter((k) => !eligible.has(k))).toEqual([]);
        expect([...eligible].filter((k) => counts.get(k) !== 1).map((k) => [k, counts.get(k) ?? 0])).toEqual(
          [],
        );
        expect(all.length).toBeGreaterThan(0);
        stats.scenarios++;
        stats.eligible += eligible.size;
        stats.mails += w.mailer.sent.length;
        stats.faults += fired;
      }),
      { numRuns: 80 },
    );
    // The scenarios did exercise the pipeline.
    expect(stats.eligible).toBeGreaterThan(100);
    expect(stats.mails).toBe(stats.eligible);
    expect(stats.faults).toBeGreaterThan(100);
  });
});
