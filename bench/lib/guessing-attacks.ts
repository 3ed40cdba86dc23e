import type { VerificationOutcome } from "../../lambdas/domain/enrollment/verify-ownership";
import { type Guesser, type HeldChallenge, HOUR_MS, randomCode, rng, type Stage } from "./guessing-model";

/**
 * The attackers of issue 10 §6, as drivers of a simulated stage: each sends requests at the rate
 * its limits allow, on the stage's simulated clock, and reacts to the answers as a well-informed
 * attacker would (tries the 3 codes of every challenge, waits out a Retry-After). Every loop is
 * bounded by the simulated time it is given.
 */

/** Code tries per challenge: all 3 the challenge allows, the attacker's best use of its requests. */
const CODE_TRIES = 3;

/** Requests sent together, each on its own instance, answered before the next wave. */
async function wave(
  s: Stage,
  size: number,
  held: HeldChallenge[],
  nextVerification: () => Promise<VerificationOutcome | undefined>,
  random: (bound: number) => number,
): Promise<VerificationOutcome[]> {
  const inFlight: Promise<VerificationOutcome | undefined>[] = [];
  for (let j = 0; j < size; j++) {
    const challenge = held[0];
    if (challenge) {
      // The codes of the challenges already held go first: a challenge lives 15 minutes.
      challenge.triesLeft--;
      if (challenge.triesLeft === 0) held.shift();
      inFlight.push(s.tryCode(challenge.challengeId, randomCode(random), challenge).then(() => undefined));
    } else {
      inFlight.push(nextVerification());
    }
  }
  const answers = (await Promise.all(inFlight)).filter((a): a is VerificationOutcome => a !== undefined);
  await s.afterAnswers();
  return answers;
}

function holdChallenges(answers: readonly VerificationOutcome[], held: HeldChallenge[], p: number): void {
  for (const a of answers) {
    if (a.outcome === "challenge") held.push({ challengeId: a.challengeId, p, triesLeft: CODE_TRIES });
  }
}

export interface FloodOptions {
  /** The attacker's requests per second reaching the function (verifications and code tries). */
  readonly ratePerSecond: number;
  /** Requests in flight at once (at most the stage's instances). */
  readonly concurrency: number;
  /** The accounts, round-robin: customer numbers first, first + 1, … first + count − 1. */
  readonly first: number;
  readonly count: number;
  readonly guesser: Guesser;
  readonly hours: number;
  readonly seed: number;
}

/** As many guesses as the rate allows, spread round-robin over the accounts. */
export async function flood(s: Stage, o: FloodOptions): Promise<void> {
  const random = rng(o.seed);
  const waveMs = (1000 * o.concurrency) / o.ratePerSecond;
  const waves = Math.floor((o.hours * HOUR_MS) / waveMs);
  const held: HeldChallenge[] = [];
  let next = 0;
  for (let i = 0; i < waves; i++) {
    s.setTime(s.start + i * waveMs);
    const answers = await wave(
      s,
      o.concurrency,
      held,
      () => {
        const customerNumber = String(o.first + (next++ % o.count));
        return s.verify(o.guesser.request(customerNumber, random), o.guesser);
      },
      random,
    );
    holdChallenges(answers, held, o.guesser.p);
  }
}

export interface OneAccountOptions {
  readonly customerNumber: string;
  readonly guesser: Guesser;
  readonly hours: number;
  /** Time between two guesses when nothing stops the attacker. */
  readonly spacingSeconds: number;
  readonly seed: number;
}

/**
 * One account, as many guesses as allowed: one every `spacingSeconds`, and after a 429 exactly the
 * Retry-After it gave (the earliest an attempt can be evaluated).
 */
export async function drip(s: Stage, o: OneAccountOptions): Promise<void> {
  const random = rng(o.seed);
  const end = s.start + o.hours * HOUR_MS;
  for (let t = s.start; t < end; ) {
    s.setTime(t);
    const out = await s.verify(o.guesser.request(o.customerNumber, random), o.guesser);
    if (out.outcome === "challenge") {
      const held = { challengeId: out.challengeId, p: o.guesser.p, triesLeft: CODE_TRIES };
      for (let k = 0; k < CODE_TRIES; k++) await s.tryCode(held.challengeId, randomCode(random), held);
    }
    await s.afterAnswers();
    t += out.outcome === "locked" ? out.retryAfterSeconds * 1000 : o.spacingSeconds * 1000;
  }
}

/** What the first edge burst got: the answers of its 8 guesses, in order. */
export type BurstAnswer = "403" | "403 locks" | "429" | "202" | "200";

/**
 * The edge-of-window burst, every quarter hour: 4 guesses in the last 4 seconds of a 15-minute
 * window and 4 in the first 4 seconds of the next. A fixed window would evaluate all 8; the sliding
 * window locks at the 5th. Returns the first burst's answers.
 */
export async function edgeBursts(
  s: Stage,
  o: Omit<OneAccountOptions, "spacingSeconds">,
): Promise<BurstAnswer[]> {
  const random = rng(o.seed);
  const quarter = 15 * 60_000;
  const first: BurstAnswer[] = [];
  for (let q = 1; q * quarter < o.hours * HOUR_MS; q++) {
    const edge = s.start + q * quarter;
    for (const offset of [-4, -3, -2, -1, 0, 1, 2, 3]) {
      s.setTime(edge + offset * 1000);
      const out = await s.verify(o.guesser.request(o.customerNumber, random), o.guesser);
      await s.afterAnswers();
      if (q === 1) first.push(burstAnswer(out));
    }
  }
  return first;
}

function burstAnswer(out: VerificationOutcome): BurstAnswer {
  switch (out.outcome) {
    case "failed":
      return out.lockedOut ? "403 locks" : "403";
    case "locked":
      return "429";
    case "challenge":
      return "202";
    default:
      return "200";
  }
}

export interface PulseOptions {
  /** Requests the attacker can have in flight at once (the crossing's overshoot). */
  readonly concurrency: number;
  readonly first: number;
  readonly count: number;
  readonly guesser: Guesser;
  readonly hours: number;
  readonly seed: number;
  /** Spacing of the one-at-a-time guesses (the 20 rps throttle: 50 ms). */
  readonly spacingMs?: number;
}

/**
 * The attacker who knows the budget: once an hour, when the last pulse's failures have left the
 * count (a bucket leaves 55 to 60 minutes after its failures), guesses one at a time up to
 * budget − 1 failures, then sends `concurrency` guesses at once, which all read a count below the
 * budget; stops at the first challenge. The most direct guesses the budget lets through.
 */
export async function pulses(s: Stage, o: PulseOptions): Promise<void> {
  const random = rng(o.seed);
  const spacingMs = o.spacingMs ?? 50;
  const held: HeldChallenge[] = [];
  let next = 0;
  const guess = () => {
    const customerNumber = String(o.first + (next++ % o.count));
    return s.verify(o.guesser.request(customerNumber, random), o.guesser);
  };
  for (let pulse = 0; pulse < o.hours; pulse++) {
    let t = s.start + pulse * HOUR_MS;
    let direct = 0;
    // Bounded: a pulse ends at its first challenge, or after the budget's worth of tries.
    for (let tries = 0; tries < s.rules.budgetPerHour * 4 && held.length === 0; tries++, t += spacingMs) {
      s.setTime(t);
      const size = direct < s.rules.budgetPerHour - 1 ? 1 : o.concurrency;
      const answers = await wave(s, size, held, guess, random);
      direct += answers.filter((a) => a.outcome === "failed" || a.outcome === "verified").length;
      holdChallenges(answers, held, o.guesser.p);
    }
    // The challenges got are tried too (3 codes each, one at a time within the throttle), then
    // silence until the next pulse.
    while (held.length > 0) {
      t += spacingMs;
      s.setTime(t);
      await wave(s, 1, held, async () => undefined, random);
    }
  }
}
