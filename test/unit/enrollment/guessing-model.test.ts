import { describe, expect, it } from "vitest";
import { drip, edgeBursts, flood, pulses } from "../../../bench/lib/guessing-attacks";
import {
  BLOCK_FIRST,
  BLOCK_SIZE,
  billCode,
  expectedOf,
  hoursTotal,
  type Stage,
  type StageRules,
  simulatedDay,
  stage,
} from "../../../bench/lib/guessing-model";
import {
  ASSUMED_INSTANCES,
  GOAL_TAKEOVERS_PER_DAY,
  honestSide,
  prodLimitsOf,
} from "../../../bench/lib/guessing-scenarios";
import { getStage } from "../../../lib/config/stages";

/**
 * The guessing model of `npm run bench -- --only guessing`, on a small scale, with the prod stage's
 * limits: what a customer and the README's bound rely on, not the figures themselves.
 */

const prod = prodLimitsOf(getStage("prod"));
const rules = (instances = ASSUMED_INSTANCES): StageRules => ({
  limits: prod.limits,
  budgetPerHour: prod.budgetPerHour,
  instances,
});
/** The budget-aware attacker's ceiling: budget − 1 fresh reads, then one stale read per instance. */
const directPerHourBound = (instances: number) => prod.budgetPerHour - 1 + instances;

const directOf = (s: Stage) => hoursTotal(s, 0, s.hourly.length).direct;

describe("the guessing model, prod limits", () => {
  it("never locks an honest customer who mistypes 3 times, quiet or under attack, and lets them finish", async () => {
    const rows = await honestSide(prod);
    const byName = (customer: string, stageName: string) =>
      rows.find((r) => r.customer === customer && r.stage === stageName);

    const quiet = byName("3 typos, then the right code", "quiet");
    expect(quiet).toMatchObject({ answers: ["403", "403", "403", "200"], locked: false });

    const attacked = byName("3 typos, then the right code, contact e-mail on file", "under attack (step-up)");
    expect(attacked).toMatchObject({ answers: ["202", "202", "202", "202", "200"], locked: false });
  });

  it("under attack, a customer with a contact e-mail finishes through the code; one without cannot", async () => {
    const rows = await honestSide(prod);
    const withContact = rows.find((r) => r.customer === "right code, contact e-mail on file");
    const withoutContact = rows.find((r) => r.customer === "right code, no contact e-mail on file");
    expect(withContact?.answers).toEqual(["202", "200"]);
    expect(withoutContact?.answers).toEqual(["202", "no code"]);
    expect(withoutContact?.result).toContain("must call support");
  });

  it("locks the edge-of-window burst at its 5th failure, the first of the new window", async () => {
    const s = stage({ rules: rules() });
    const first = await edgeBursts(s, {
      customerNumber: String(BLOCK_FIRST),
      guesser: billCode,
      hours: 1,
      seed: 1,
    });
    expect(first).toEqual(["403", "403", "403", "403", "403 locks", "429", "429", "429"]);
  });

  it("evaluates at most the daily cap of one account's guesses in a day, however they are paced", async () => {
    const s = stage({ rules: rules() });
    await drip(s, {
      customerNumber: String(BLOCK_FIRST),
      guesser: billCode,
      hours: 48,
      spacingSeconds: 1,
      seed: 2,
    });
    for (const day of [0, 1]) {
      expect(simulatedDay(s, day).perAccountMax).toBeLessThanOrEqual(prod.limits.dailyMaxFailures);
    }
  });

  it("lets a flood through directly only up to the budget and one failure per instance, then steps up", async () => {
    const s = stage({ rules: rules() });
    await flood(s, {
      ratePerSecond: prod.enrollmentRps,
      concurrency: ASSUMED_INSTANCES,
      first: BLOCK_FIRST,
      count: BLOCK_SIZE,
      guesser: billCode,
      hours: 0.1,
      seed: 3,
    });
    const total = hoursTotal(s, 0, 1);
    expect(total.direct).toBeGreaterThanOrEqual(prod.budgetPerHour);
    expect(total.direct).toBeLessThanOrEqual(directPerHourBound(ASSUMED_INSTANCES));
    expect(total.challenges).toBeGreaterThan(1_000);
    expect(hoursTotal(s, 0, 1).refused).toBe(0);
  });

  for (const instances of [1, ASSUMED_INSTANCES]) {
    it(`keeps the budget-aware attacker's direct guesses to 24 × (budget − 1 + ${instances}) a day`, async () => {
      const s = stage({ rules: rules(instances) });
      await pulses(s, {
        concurrency: instances,
        first: BLOCK_FIRST,
        count: BLOCK_SIZE,
        guesser: billCode,
        hours: 24,
        seed: 4,
      });
      const direct = directOf(s);
      // One simulated day, no more.
      expect(s.hourly.length).toBeLessThanOrEqual(24);
      expect(direct).toBeLessThanOrEqual(24 * directPerHourBound(instances));
      // And the attacker is the worst case, not a weak one: it reaches the ceiling.
      expect(direct).toBe(24 * directPerHourBound(instances));
    });
  }

  it("keeps the budget-aware attacker on bill codes under the goal with the assumed instances", async () => {
    const s = stage({ rules: rules() });
    await pulses(s, {
      concurrency: ASSUMED_INSTANCES,
      first: BLOCK_FIRST,
      count: BLOCK_SIZE,
      guesser: billCode,
      hours: 24,
      seed: 5,
    });
    expect(expectedOf(simulatedDay(s, 0))).toBeLessThanOrEqual(GOAL_TAKEOVERS_PER_DAY);
  });
});
