import type { LimiterConfig } from "../../lambdas/domain/enrollment/attempt-window";
import type { StageConfig } from "../../lib/config/stages";
import { DEFAULT_FACTORS } from "../../test/support/fakes/enrollment-fakes";
import { drip, edgeBursts, flood, pulses } from "./guessing-attacks";
import {
  BLOCK_FIRST,
  BLOCK_SIZE,
  billCode,
  contactAddress,
  DAY_MS,
  type Day,
  expectedOf,
  extrapolatedDay,
  type Guesser,
  HOUR_MS,
  hoursTotal,
  knownPhoneDebit,
  rng,
  type Stage,
  type StageRules,
  scaledDay,
  simulatedDay,
  stage,
} from "./guessing-model";

/** The goal: expected accounts taken over by guessing, per day. */
export const GOAL_TAKEOVERS_PER_DAY = 0.01;

/** A stage's limits that bear on guessing (the prod stage's, from lib/config/stages.ts). */
export interface ProdLimits {
  readonly limits: LimiterConfig;
  readonly budgetPerHour: number;
  readonly wafPerIpPer5Minutes: number;
  readonly enrollmentRps: number;
  readonly enrollmentBurst: number;
}

export function prodLimitsOf(stage: StageConfig): ProdLimits {
  const v = stage.verification;
  return {
    limits: {
      maxFailures: v.maxFailures,
      windowSeconds: v.windowSeconds,
      lockoutSeconds: v.lockoutSeconds,
      dailyMaxFailures: v.dailyMaxFailures,
    },
    budgetPerHour: v.globalFailuresPerHour,
    wafPerIpPer5Minutes: stage.waf.enrollmentRequestsPerIpPer5Minutes,
    enrollmentRps: stage.api.enrollmentThrottle.rateLimit,
    enrollmentBurst: stage.api.enrollmentThrottle.burstLimit,
  };
}

/** The assumption of the figures: warm instances of the verification function during an attack. */
export const ASSUMED_INSTANCES = 10;
/** Accounts whose phone and postal code the targeted attacker holds (a leaked list). */
export const KNOWN_ACCOUNTS = 10_000;
/** IPs of the distributed attacker. */
export const ATTACKER_IPS = 10_000;

export interface AttackerRow {
  readonly name: string;
  readonly guess: string;
  readonly p: number;
  /** Instances of the verification function in this run (the overshoot's size). */
  readonly instances: number;
  /** The attacker's requests that day (verifications and code tries), scaled as the day is. */
  readonly requestsPerDay: number;
  /** How the day was obtained: simulated fully, or partly and extrapolated. */
  readonly simulated: string;
  /** The day reported (the worst simulated one, by expected takeovers). */
  readonly day: Day;
  readonly expected: number;
  readonly met: boolean;
  /** What the simulation itself did (before any scaling). */
  readonly run: {
    readonly requests: number;
    readonly matched: number;
    readonly successes: number;
    readonly firstStepUpSeconds: number | null;
  };
  readonly notes: readonly string[];
  readonly seconds: number;
}

interface Plan {
  readonly name: string;
  readonly guesser: Guesser;
  readonly instances?: number;
  run(s: Stage): Promise<{ readonly day: Day; readonly simulated: string; readonly notes?: string[] }>;
}

/**
 * The worst simulated day of a run, by expected takeovers (day 1 has the first crossing, a later day
 * may have the release of the daily caps), and a note with every day's figure.
 */
function worstDay(s: Stage, days: number): { day: Day; index: number; note: string } {
  const all = Array.from({ length: days }, (_, d) => simulatedDay(s, d));
  let index = 0;
  all.forEach((day, d) => {
    if (expectedOf(day) > expectedOf(all[index] as Day)) index = d;
  });
  const each = all.map(
    (day, d) =>
      `day ${d + 1}: ${int(day.direct)} direct, ${int(day.challenges)} 202s, ${int(day.refused)} 429s`,
  );
  return { day: all[index] as Day, index, note: `as simulated (before any scaling), ${each.join("; ")}` };
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

function firstChallengeSeconds(s: Stage): number | null {
  const first = s.modeChanges.find((m) => m.stepUp);
  return first ? (first.at - s.start) / 1000 : null;
}

export function attackerPlans(prod: ProdLimits): Plan[] {
  const ipRate = prod.wafPerIpPer5Minutes / 300;
  const wafOnlyRate = ATTACKER_IPS * ipRate;
  const throttle = prod.enrollmentRps;
  const concurrency = ASSUMED_INSTANCES;
  return [
    {
      name: `one IP (WAF: ${prod.wafPerIpPer5Minutes} per 5 min), round-robin over the block`,
      guesser: billCode,
      async run(s) {
        await flood(s, {
          ratePerSecond: ipRate,
          concurrency: 1,
          first: BLOCK_FIRST,
          count: BLOCK_SIZE,
          guesser: billCode,
          hours: 24,
          seed: 1,
        });
        return { day: simulatedDay(s, 0), simulated: "24 h fully" };
      },
    },
    {
      name: `${int(ATTACKER_IPS)} IPs, enrollment throttle ${throttle} rps, round-robin over the block`,
      guesser: billCode,
      async run(s) {
        const hours = 2;
        await flood(s, {
          ratePerSecond: throttle,
          concurrency,
          first: BLOCK_FIRST,
          count: BLOCK_SIZE,
          guesser: billCode,
          hours,
          seed: 2,
        });
        // The extrapolation holds only if the steady hour is what the rest of the day would be: step-up
        // throughout (no direct guess) and no account near a limit.
        const steady = hoursTotal(s, 1, hours);
        if (steady.direct > 0 || steady.refused > 0) {
          throw new Error("guessing: the 20 rps flood is not steady after its first hour");
        }
        return {
          day: extrapolatedDay(s, hours, 1, BLOCK_SIZE),
          simulated: `first ${hours} h fully (crossing in hour 1), hours ${hours}–24 at hour 2's rate`,
          notes: [
            "hour 2 had no direct guess and no 429: step-up held and no account met a limit, so the rest of the day is hour 2 repeated",
          ],
        };
      },
    },
    {
      name: `${int(ATTACKER_IPS)} IPs, throttle raised (WAF alone: ${int(wafOnlyRate)} rps), round-robin over the block`,
      guesser: billCode,
      async run(s) {
        // A slice of the block at the same rate per account: 200 accounts at 2 requests a second (each
        // account gets one every 100 s, as in the whole block at 10,000 a second).
        const slice = 200;
        const factor = BLOCK_SIZE / slice;
        await flood(s, {
          ratePerSecond: (wafOnlyRate * slice) / BLOCK_SIZE,
          concurrency,
          first: BLOCK_FIRST,
          count: slice,
          guesser: billCode,
          hours: 48,
          seed: 3,
        });
        const worst = worstDay(s, 2);
        return {
          day: scaledDay(worst.day, factor),
          simulated: `slice of ${slice} accounts at 1/${int(factor)} of the rate, 48 h fully; day ${worst.index + 1} ×${int(factor)} (direct guesses not scaled)`,
          notes: [
            worst.note,
            `the daily cap binds: every account is refused (429) after its ${prod.limits.dailyMaxFailures}th failure, about an hour in; the budget then drains, and the accounts' failures age out 24 h later, which crosses the budget again`,
            "direct guesses are the slice's own: the budget is stage-wide and absolute, and the rest of the block only adds failures to it",
          ],
        };
      },
    },
    {
      name: "slow drip on one account: one guess every 225 s (never 5 in 15 min), forever",
      guesser: billCode,
      async run(s) {
        await drip(s, {
          customerNumber: String(BLOCK_FIRST),
          guesser: billCode,
          hours: 72,
          spacingSeconds: 225,
          seed: 4,
        });
        const worst = worstDay(s, 3);
        return {
          day: worst.day,
          simulated: "72 h fully; worst day",
          notes: [
            worst.note,
            `the daily cap: ${prod.limits.dailyMaxFailures} failures in any 24 h, then 429 until the oldest is 24 h old`,
          ],
        };
      },
    },
    {
      name: "edge-of-window bursts on one account: 4 guesses at the end of each 15 min, 4 at the start of the next",
      guesser: billCode,
      async run(s) {
        const first = await edgeBursts(s, {
          customerNumber: String(BLOCK_FIRST),
          guesser: billCode,
          hours: 48,
          seed: 5,
        });
        const worst = worstDay(s, 2);
        return {
          day: worst.day,
          simulated: "48 h fully; worst day",
          notes: [
            worst.note,
            `first burst: ${first.join(", ")} (the sliding window locks at the 5th failure, the first of the new window)`,
          ],
        };
      },
    },
    {
      name: "targeted, one account: phone and postal code known, as fast as allowed",
      guesser: knownPhoneDebit,
      async run(s) {
        await drip(s, {
          customerNumber: String(BLOCK_FIRST),
          guesser: knownPhoneDebit,
          hours: 48,
          spacingSeconds: 1,
          seed: 6,
        });
        const worst = worstDay(s, 2);
        return {
          day: worst.day,
          simulated: "48 h fully; worst day",
          notes: [worst.note, "waits out each Retry-After: lockouts double, the daily cap binds"],
        };
      },
    },
    {
      name: `targeted, ${int(KNOWN_ACCOUNTS)} accounts (phone and postal code known), flood at ${throttle} rps`,
      guesser: knownPhoneDebit,
      async run(s) {
        const slice = 1_000;
        const factor = KNOWN_ACCOUNTS / slice;
        await flood(s, {
          ratePerSecond: (throttle * slice) / KNOWN_ACCOUNTS,
          concurrency,
          first: BLOCK_FIRST,
          count: slice,
          guesser: knownPhoneDebit,
          hours: 48,
          seed: 7,
        });
        const worst = worstDay(s, 2);
        return {
          day: scaledDay(worst.day, factor),
          simulated: `slice of ${int(slice)} accounts at 1/${factor} of the rate, 48 h fully; day ${worst.index + 1} ×${factor} (direct guesses not scaled)`,
          notes: [
            worst.note,
            "p = 1/2,000 is 50× a bill code: the direct guesses of the crossings alone exceed the goal",
          ],
        };
      },
    },
    {
      name: `budget-aware pulses (one IP is enough), bill code: each hour up to budget − 1 failures, then ${concurrency} at once`,
      guesser: billCode,
      async run(s) {
        await pulses(s, {
          concurrency,
          first: BLOCK_FIRST,
          count: BLOCK_SIZE,
          guesser: billCode,
          hours: 48,
          seed: 8,
        });
        const worst = worstDay(s, 2);
        return {
          day: worst.day,
          simulated: "48 h fully; worst day",
          notes: [
            worst.note,
            `the worst case of the budget: ${prod.budgetPerHour - 1} + ${concurrency} (one stale read per instance) direct guesses an hour`,
          ],
        };
      },
    },
    {
      name: `budget-aware pulses, targeted (${int(KNOWN_ACCOUNTS)} known accounts), ${concurrency} at once`,
      guesser: knownPhoneDebit,
      async run(s) {
        await pulses(s, {
          concurrency,
          first: BLOCK_FIRST,
          count: KNOWN_ACCOUNTS,
          guesser: knownPhoneDebit,
          hours: 48,
          seed: 9,
        });
        const worst = worstDay(s, 2);
        return { day: worst.day, simulated: "48 h fully; worst day", notes: [worst.note] };
      },
    },
    {
      name: `sensitivity: budget-aware pulses, bill code, ${prod.enrollmentBurst} at once (the enrollment throttle's burst; ${prod.enrollmentBurst} instances)`,
      guesser: billCode,
      instances: prod.enrollmentBurst,
      async run(s) {
        await pulses(s, {
          concurrency: prod.enrollmentBurst,
          first: BLOCK_FIRST,
          count: BLOCK_SIZE,
          guesser: billCode,
          hours: 48,
          seed: 10,
        });
        const worst = worstDay(s, 2);
        return {
          day: worst.day,
          simulated: "48 h fully; worst day",
          notes: [
            worst.note,
            `the same attacker with the ${prod.enrollmentBurst} requests at once that the throttle's burst admits: the overshoot is per instance, so it grows with the concurrency at the crossing`,
          ],
        };
      },
    },
  ];
}

export async function runAttackers(prod: ProdLimits, progress: (m: string) => void): Promise<AttackerRow[]> {
  const rows: AttackerRow[] = [];
  for (const plan of attackerPlans(prod)) {
    progress(`guessing: ${plan.name}`);
    const rules: StageRules = {
      limits: prod.limits,
      budgetPerHour: prod.budgetPerHour,
      instances: plan.instances ?? ASSUMED_INSTANCES,
    };
    const s = stage({ rules, blockFactors: plan.guesser === billCode ? "bill" : "account" });
    const started = performance.now();
    const { day, simulated, notes = [] } = await plan.run(s);
    if (day.perAccountMax > prod.limits.dailyMaxFailures) {
      notes.push(
        `${day.perAccountMax} on one account, past the daily cap: a 202 whose data matched gives its reservation back ` +
          "(right data is not a failure), so that account could be tried once more",
      );
    }
    const all = hoursTotal(s, 0, s.hourly.length);
    const expected = expectedOf(day);
    rows.push({
      name: plan.name,
      guess: plan.guesser.name,
      p: plan.guesser.p,
      instances: rules.instances,
      requestsPerDay: day.requests,
      simulated,
      day,
      expected,
      met: expected <= GOAL_TAKEOVERS_PER_DAY,
      run: {
        requests: all.requests,
        matched: all.matched,
        successes: all.successes,
        firstStepUpSeconds: firstChallengeSeconds(s),
      },
      notes,
      seconds: (performance.now() - started) / 1000,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The honest side
// ---------------------------------------------------------------------------------------------

export interface HonestRow {
  readonly customer: string;
  readonly stage: string;
  readonly answers: readonly string[];
  readonly locked: boolean;
  readonly result: string;
}

const HONEST = 8_000_001;
const NO_CONTACT = 8_000_002;

/** A stage in step-up: one IP's flood for 2 minutes spends the budget. */
async function underAttack(s: Stage): Promise<void> {
  await flood(s, {
    ratePerSecond: 1,
    concurrency: 1,
    first: BLOCK_FIRST,
    count: BLOCK_SIZE,
    guesser: billCode,
    hours: 2 / 60,
    seed: 11,
  });
  if ((await s.failuresLastHour()) < s.rules.budgetPerHour)
    throw new Error("guessing: the stage is not in step-up");
}

/** One customer's verifications (each `spacingSeconds` apart); the right code last. */
async function customer(
  s: Stage,
  customerNumber: number,
  typos: number,
  spacingSeconds = 20,
): Promise<{ answers: string[]; locked: boolean; result: string }> {
  const n = String(customerNumber);
  const answers: string[] = [];
  let locked = false;
  const wrong = DEFAULT_FACTORS.accessCode === "00000" ? "00001" : "00000";
  for (let i = 0; i <= typos; i++) {
    s.setTime(s.now() + spacingSeconds * 1000);
    const accessCode = i < typos ? wrong : DEFAULT_FACTORS.accessCode;
    const out = await s.verify({ method: "bill", customerNumber: n, accessCode });
    await s.afterAnswers();
    if (out.outcome === "locked" || (out.outcome === "failed" && out.lockedOut)) locked = true;
    if (out.outcome === "verified")
      return { answers: [...answers, "200"], locked, result: "verified: token" };
    if (out.outcome !== "challenge") {
      answers.push(out.outcome === "locked" ? "429" : "403");
      continue;
    }
    answers.push("202");
    if (i < typos) continue;
    // The right data in step-up: the code goes to the contact address on file, if there is one.
    const mail = s.mailbox.find((m) => m.to === contactAddress(n));
    if (!mail) {
      answers.push("no code");
      return {
        answers,
        locked,
        result: `code sender: ${s.sender["no-contact"]} no-contact, nothing e-mailed; cannot finish online: must call support`,
      };
    }
    s.setTime(s.now() + 60_000);
    const code = await s.tryCode(out.challengeId, mail.code);
    answers.push(code.outcome === "verified" ? "200" : "403");
    return {
      answers,
      locked,
      result:
        code.outcome === "verified"
          ? "code e-mailed to the contact address, entered: token"
          : "the code failed",
    };
  }
  return { answers, locked, result: "not verified" };
}

export async function honestSide(prod: ProdLimits): Promise<HonestRow[]> {
  const rules: StageRules = {
    limits: prod.limits,
    budgetPerHour: prod.budgetPerHour,
    instances: ASSUMED_INSTANCES,
  };
  const contactEmail = (n: string) => (Number(n) === NO_CONTACT ? undefined : contactAddress(n));
  const rows: HonestRow[] = [];

  const quiet = stage({ rules, contactEmail });
  quiet.world.seedAccount(String(HONEST));
  rows.push({
    customer: "3 typos, then the right code",
    stage: "quiet",
    ...(await customer(quiet, HONEST, 3)),
  });

  const attacked = stage({ rules, contactEmail });
  attacked.world.seedAccount(String(HONEST));
  attacked.world.seedAccount(String(NO_CONTACT));
  await underAttack(attacked);
  rows.push({
    customer: "right code, contact e-mail on file",
    stage: "under attack (step-up)",
    ...(await customer(attacked, HONEST, 0)),
  });
  rows.push({
    customer: "right code, no contact e-mail on file",
    stage: "under attack (step-up)",
    ...(await customer(attacked, NO_CONTACT, 0)),
  });

  const attacked2 = stage({ rules, contactEmail });
  attacked2.world.seedAccount(String(HONEST));
  await underAttack(attacked2);
  rows.push({
    customer: "3 typos, then the right code, contact e-mail on file",
    stage: "under attack (step-up)",
    ...(await customer(attacked2, HONEST, 3)),
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Sizing the budget
// ---------------------------------------------------------------------------------------------

/** The assumption the prod budget is sized from: a busy hour of honest verifications. */
export const BUSY_HOUR_VERIFICATIONS = 120;
export const TYPO_RATE = 0.1;

/** P(X ≥ k) for X ~ Poisson(mean). */
export function poissonTail(mean: number, k: number): number {
  let term = Math.exp(-mean);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= mean / (i + 1);
  }
  return Math.max(0, 1 - below);
}

/**
 * The largest budget that keeps the budget-aware attacker at or under the goal: it gets at most
 * 24 × (budget − 1 + instances) direct guesses a day, each right with p.
 */
export function maxBudgetForGoal(p: number, instances: number): number {
  return Math.floor(GOAL_TAKEOVERS_PER_DAY / (24 * p)) + 1 - instances;
}

export interface HonestDay {
  readonly verifications: number;
  readonly failures: number;
  readonly challenged: number;
  readonly maxFailuresLastHour: number;
}

/**
 * A day of honest traffic at the busy hour's rate all day (Poisson arrivals), each customer mistyping
 * once with TYPO_RATE and retrying 30 s later: how often honest failures alone reach the budget.
 */
export async function honestDay(prod: ProdLimits): Promise<HonestDay> {
  const rules: StageRules = {
    limits: prod.limits,
    budgetPerHour: prod.budgetPerHour,
    instances: ASSUMED_INSTANCES,
  };
  const s = stage({ rules });
  const random = rng(12);
  const uniform = () => (random(1_000_000) + 0.5) / 1_000_000;
  const meanGapMs = HOUR_MS / BUSY_HOUR_VERIFICATIONS;
  // Arrivals first, then every attempt in time order: a retry 30 s later may fall after the next arrival.
  const attempts: { at: number; customerNumber: string; accessCode: string }[] = [];
  for (let t = s.start, n = 8_100_000; ; n++) {
    t += -Math.log(uniform()) * meanGapMs;
    if (t >= s.start + DAY_MS) break;
    const customerNumber = String(n);
    s.world.seedAccount(customerNumber);
    const typo = uniform() < TYPO_RATE;
    if (typo) attempts.push({ at: t, customerNumber, accessCode: "00000" });
    attempts.push({ at: typo ? t + 30_000 : t, customerNumber, accessCode: DEFAULT_FACTORS.accessCode });
  }
  attempts.sort((a, b) => a.at - b.at);
  let failures = 0;
  let challenged = 0;
  let maxFailuresLastHour = 0;
  let nextSample = s.start;
  for (const attempt of attempts) {
    s.setTime(attempt.at);
    const out = await s.verify({
      method: "bill",
      customerNumber: attempt.customerNumber,
      accessCode: attempt.accessCode,
    });
    await s.afterAnswers();
    if (attempt.accessCode !== DEFAULT_FACTORS.accessCode) failures++;
    if (out.outcome === "challenge") challenged++;
    if (attempt.at >= nextSample) {
      nextSample += 5 * 60_000;
      maxFailuresLastHour = Math.max(maxFailuresLastHour, await s.failuresLastHour());
    }
  }
  const verifications = attempts.length;
  return { verifications, failures, challenged, maxFailuresLastHour };
}
