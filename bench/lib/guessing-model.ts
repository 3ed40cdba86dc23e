import { failureBudget } from "../../lambdas/adapters/failure-budget";
import type { LimiterConfig } from "../../lambdas/domain/enrollment/attempt-window";
import type { AccountSecrets } from "../../lambdas/domain/enrollment/ports";
import {
  answerChallenge,
  type ChallengeCodeOutcome,
  type StepUpSendOutcome,
  sendStepUpCode,
} from "../../lambdas/domain/enrollment/step-up";
import {
  type VerificationOutcome,
  type VerificationRequest,
  verifyOwnership,
} from "../../lambdas/domain/enrollment/verify-ownership";
import { factorHash } from "../../lambdas/domain/verification-hash";
import {
  type AccountFactors,
  accountSecrets,
  T0,
  TEST_PEPPER,
  world,
} from "../../test/support/fakes/enrollment-fakes";
import {
  fakeBudgetTable,
  fakeChallenges,
  fakeOutbox,
  fakeStepUpMail,
} from "../../test/support/fakes/step-up-fakes";

/**
 * The guessing model (issue 10 §6, "the bound, proved two ways"): the real use cases
 * (`verifyOwnership`, `answerChallenge`, `sendStepUpCode`) with the shared limiter rules and the real
 * failure-budget adapter, on in-memory ports (test/support/fakes) and a simulated clock. Every
 * request an attacker makes goes through them; the model only counts what they answered.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** What the stage enforces: the limiter's rules, the budget, and how many Lambda instances answer. */
export interface StageRules {
  readonly limits: LimiterConfig;
  readonly budgetPerHour: number;
  /**
   * Warm instances of the verification function, each with its own budget cache (the source of the
   * overshoot: an instance answers at most one failure past the budget before it reads the count).
   */
  readonly instances: number;
}

// ---------------------------------------------------------------------------------------------
// The accounts: one block of a million customer numbers, derived on first read
// ---------------------------------------------------------------------------------------------

export const BLOCK_FIRST = 4_000_000;
export const BLOCK_SIZE = 1_000_000;
/** The targeted attack knows phone and postal code; the last debit is one of this many amounts. */
export const PLAUSIBLE_DEBITS = 2_000;
const DEBIT_LOW_CENTS = 4_000;
export const KNOWN_PHONE = "4505551234";
export const KNOWN_POSTAL_CODE = "J4K1A1";

/** A 32-bit integer hash: each account's secrets look random, and the run is the same every time. */
function mix(n: number, salt: number): number {
  let h = (n ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The factors of a customer number of the block (the attacker does not know this function). */
export function factorsOf(customerNumber: number): AccountFactors {
  return {
    accessCode: String(mix(customerNumber, 1) % 100_000).padStart(5, "0"),
    phone: KNOWN_PHONE,
    postalCode: KNOWN_POSTAL_CODE,
    lastDebitCents: DEBIT_LOW_CENTS + (mix(customerNumber, 2) % PLAUSIBLE_DEBITS),
  };
}

export const inBlock = (n: number) => n >= BLOCK_FIRST && n < BLOCK_FIRST + BLOCK_SIZE;

/** Which factors of the block's accounts a run compares: the others are never hashed. */
export type BlockFactors = "bill" | "account";

/** Stands for a factor the run never compares: a hash's length, matching nothing. */
const UNUSED = "~".repeat(43);

/**
 * The accounts table for fakeDirectory: an account of the block is hashed on its first read and
 * kept, as if imported; other numbers are whatever was seeded (the honest customers) or unknown.
 * Seeding a million accounts up front would cost 4 million HMACs for the few the run touches, and
 * only the factors of the attack's method are hashed (an HMAC is most of a guess's cost here).
 */
class BlockAccounts extends Map<string, AccountSecrets> {
  constructor(private readonly factors: BlockFactors) {
    super();
  }

  override get(customerNumber: string): AccountSecrets | undefined {
    const seeded = super.get(customerNumber);
    if (seeded) return seeded;
    const n = Number(customerNumber);
    if (!inBlock(n)) return undefined;
    const f = factorsOf(n);
    const secrets =
      this.factors === "bill"
        ? {
            accessCodeHash: factorHash(TEST_PEPPER, "accessCode", customerNumber, f.accessCode),
            phoneHash: UNUSED,
            postalCodeHash: UNUSED,
            lastDebitHash: UNUSED,
          }
        : { ...accountSecrets(customerNumber, f), accessCodeHash: UNUSED };
    super.set(customerNumber, secrets);
    return secrets;
  }
}

// ---------------------------------------------------------------------------------------------
// Guesses
// ---------------------------------------------------------------------------------------------

/** A seeded generator (xorshift32): the same guesses for the same seed. */
export function rng(seed: number): (bound: number) => number {
  let state = seed >>> 0 || 1;
  return (bound) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % bound;
  };
}

/** What an attacker sends for one account, and the probability that it is right. */
export interface Guesser {
  readonly name: string;
  /** Success probability of one guess: what it adds to the expected takeovers when evaluated. */
  readonly p: number;
  request(customerNumber: string, random: (bound: number) => number): VerificationRequest;
}

/** Knows nothing: a random access code (uniform, so each guess is right with p = 1/100,000). */
export const billCode: Guesser = {
  name: "bill code",
  p: 1 / 100_000,
  request: (customerNumber, random) => ({
    method: "bill",
    customerNumber,
    accessCode: String(random(100_000)).padStart(5, "0"),
  }),
};

/** Knows phone and postal code; one of the 2,000 plausible debits at random (p = 1/2,000). */
export const knownPhoneDebit: Guesser = {
  name: "phone + postal code known, debit guessed",
  p: 1 / PLAUSIBLE_DEBITS,
  request: (customerNumber, random) => ({
    method: "account",
    customerNumber,
    phone: KNOWN_PHONE,
    postalCode: KNOWN_POSTAL_CODE,
    lastDebitCents: DEBIT_LOW_CENTS + random(PLAUSIBLE_DEBITS),
  }),
};

/** A step-up code: 6 digits, the attacker does not receive the e-mail. */
export const randomCode = (random: (bound: number) => number) => String(random(1_000_000)).padStart(6, "0");

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------

/** What the attacker's requests got, per simulated hour. */
export interface Counts {
  /** Every request that reached the function: verifications and code tries. */
  requests: number;
  verifications: number;
  /** 429: refused by the limiter before any comparison. */
  refused: number;
  /** Compared outside step-up: a 403 (or a token). */
  direct: number;
  /** Compared in step-up: a 202, matched or not (the attacker cannot tell). */
  challenges: number;
  /** Challenges whose data matched, in this run (the model peeks; the answer does not say). */
  matched: number;
  codeTries: number;
  /** Tokens the attacker actually obtained in this run (directly or through a code). */
  successes: number;
  /** Σ p over direct guesses. */
  expectedDirect: number;
  /** Σ p × 1/1,000,000 over code tries: the challenge matched (p) and the code is right. */
  expectedStepUp: number;
}

export const noCounts = (): Counts => ({
  requests: 0,
  verifications: 0,
  refused: 0,
  direct: 0,
  challenges: 0,
  matched: 0,
  codeTries: 0,
  successes: 0,
  expectedDirect: 0,
  expectedStepUp: 0,
});

export function addCounts(into: Counts, from: Counts, factor = 1): Counts {
  for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += from[key] * factor;
  return into;
}

/** A step-up code is one of 1,000,000, and the attacker never sees it. */
export const CODE_SPACE = 1_000_000;

// ---------------------------------------------------------------------------------------------
// The stage
// ---------------------------------------------------------------------------------------------

export interface StageOptions {
  readonly rules: StageRules;
  /** The factors the attack compares (default: the access code). */
  readonly blockFactors?: BlockFactors;
  readonly start?: Date;
  /** Contact e-mail on file for a customer number (default: every account has one). */
  readonly contactEmail?: (customerNumber: string) => string | undefined;
}

/** The contact e-mail on file of an account (the default of every stage): the owner's, never the attacker's. */
export const contactAddress = (customerNumber: string) => `owner.${customerNumber}@example.test`;

/** A challenge the attacker holds, with the probability that its data matched. */
export interface HeldChallenge {
  readonly challengeId: string;
  readonly p: number;
  triesLeft: number;
}

/**
 * One stage: the use cases on in-memory ports, `rules.instances` budget adapters (one per simulated
 * Lambda instance, each with its own cache) over one in-memory budget table, and counters.
 * Requests are dealt to the instances in turn, so requests sent together are on distinct instances.
 */
export function stage(options: StageOptions) {
  const { rules } = options;
  const start = (options.start ?? T0).getTime();
  const w = world({
    limits: rules.limits,
    start: new Date(start),
    recordCalls: false,
    accounts: new BlockAccounts(options.blockFactors ?? "bill"),
  });
  const table = fakeBudgetTable();
  /** When each instance saw the mode change (its onChange), for the report. */
  const modeChanges: { at: number; instance: number; stepUp: boolean }[] = [];
  const budgets = Array.from({ length: rules.instances }, (_, instance) =>
    failureBudget(table.client, "security", {
      perHour: rules.budgetPerHour,
      onChange: ({ stepUp }) => {
        if (modeChanges.length < 10_000) modeChanges.push({ at: w.clock.now().getTime(), instance, stepUp });
      },
    }),
  );
  const challenges = fakeChallenges();
  const outbox = fakeOutbox();
  const contactEmail = options.contactEmail ?? contactAddress;
  const mail = fakeStepUpMail((n) => {
    const email = contactEmail(n);
    return { ...(email ? { email } : {}), language: "fr" };
  });
  const codeDeps = {
    challenges: challenges.challenges,
    directory: w.ports.directory,
    tokens: w.ports.verificationTokens,
    pepper: w.pepper,
    now: w.clock.now,
  };
  const senderDeps = {
    challenges: challenges.challenges,
    contacts: mail.contacts,
    mailer: mail.mailer,
    pepper: w.pepper,
    now: w.clock.now,
  };

  const hourly: Counts[] = [];
  /** Evaluated guesses (direct and step-up) per account of the block, per simulated day. */
  const perAccount: Uint16Array[] = [];
  /** What the code sender did with each announced challenge. */
  const sender: Record<StepUpSendOutcome, number> = {
    sent: 0,
    "not-matched": 0,
    "no-contact": 0,
    expired: 0,
  };
  let turn = 0;
  let sweptAt = start;

  const now = () => w.clock.now().getTime();
  const countsNow = (): Counts => {
    const hour = Math.floor((now() - start) / HOUR_MS);
    while (hourly.length <= hour) hourly.push(noCounts());
    return hourly[hour] as Counts;
  };
  const evaluated = (customerNumber: string) => {
    const n = Number(customerNumber);
    if (!inBlock(n)) return;
    const day = Math.floor((now() - start) / DAY_MS);
    while (perAccount.length <= day) perAccount.push(new Uint16Array(BLOCK_SIZE));
    const counts = perAccount[day] as Uint16Array;
    counts[n - BLOCK_FIRST] = (counts[n - BLOCK_FIRST] as number) + 1;
  };

  return {
    start,
    clock: w.clock,
    world: w,
    rules,
    hourly,
    perAccount,
    modeChanges,
    mailbox: mail.sent,
    sender,
    budgetTable: table,
    setTime(ms: number) {
      w.clock.set(new Date(ms));
    },
    now,

    /**
     * One verification request on the next instance. `guesser` marks it as the attacker's (counted);
     * without it, an honest customer's (not counted).
     */
    async verify(request: VerificationRequest, guesser?: Guesser): Promise<VerificationOutcome> {
      const budget = budgets[turn++ % budgets.length] as (typeof budgets)[number];
      const out = await verifyOwnership(request, {
        ...w.verifyDeps,
        stepUp: { budget, challenges: challenges.challenges, outbox: outbox.outbox },
      });
      if (!guesser) return out;
      const c = countsNow();
      c.requests++;
      c.verifications++;
      if (out.outcome === "locked") {
        c.refused++;
      } else if (out.outcome === "challenge") {
        c.challenges++;
        if (out.matched) c.matched++;
        evaluated(request.customerNumber);
      } else {
        c.direct++;
        c.expectedDirect += guesser.p;
        if (out.outcome === "verified") c.successes++;
        evaluated(request.customerNumber);
      }
      return out;
    },

    /** One code try on a challenge; `held` marks it as the attacker's. */
    async tryCode(challengeId: string, code: string, held?: HeldChallenge): Promise<ChallengeCodeOutcome> {
      // A code try occupies an instance too: the next verifications of the wave go to the others.
      turn++;
      const out = await answerChallenge(challengeId, code, codeDeps);
      if (!held) return out;
      const c = countsNow();
      c.requests++;
      c.codeTries++;
      c.expectedStepUp += held.p / CODE_SPACE;
      if (out.outcome === "verified") c.successes++;
      return out;
    },

    /**
     * The code sender's work after the answers (SQS on AWS): each announced challenge, matched and
     * with a contact address, gets its code e-mailed there. Also forgets expired challenges, as the
     * table's TTL would, so a long run does not keep them all.
     */
    async afterAnswers(): Promise<void> {
      for (const hash of outbox.announced.splice(0)) sender[await sendStepUpCode(hash, senderDeps)]++;
      const t = now();
      if (t - sweptAt >= 5 * 60_000) {
        sweptAt = t;
        for (const [hash, item] of challenges.items) {
          if (item.expiresAt.getTime() <= t) challenges.items.delete(hash);
        }
      }
    },

    /** Failures of the last hour as the adapter counts them (its 12 buckets), read fresh. */
    failuresLastHour: () => (budgets[0] as (typeof budgets)[number]).failuresLastHour(w.clock.now()),
  };
}

export type Stage = ReturnType<typeof stage>;

// ---------------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------------

/** One simulated (or extrapolated) day of an attack. */
export interface Day extends Counts {
  /** Most evaluated guesses (direct and step-up) on any one account that day. */
  perAccountMax: number;
}

export const expectedOf = (c: Counts) => c.expectedDirect + c.expectedStepUp;

/** The sums of hours [from, to) of a run. */
export function hoursTotal(s: Stage, from: number, to: number): Counts {
  const total = noCounts();
  for (let h = from; h < to; h++) {
    const c = s.hourly[h];
    if (c) addCounts(total, c);
  }
  return total;
}

function maxOf(counts: Uint16Array | undefined): number {
  let max = 0;
  if (counts) for (const v of counts) if (v > max) max = v;
  return max;
}

/** Day `day` (0 = the first 24 hours) exactly as simulated. */
export function simulatedDay(s: Stage, day: number): Day {
  return { ...hoursTotal(s, day * 24, day * 24 + 24), perAccountMax: maxOf(s.perAccount[day]) };
}

/**
 * A day of which only the first `hours` were simulated: those hours as they were, plus the remaining
 * ones at the mean rate of the steady hours [steadyFrom, hours) (after the transition into step-up).
 * Valid when nothing changes after the simulated hours: the caller checks that no account met a
 * limit and that step-up held throughout the steady hours.
 */
export function extrapolatedDay(s: Stage, hours: number, steadyFrom: number, accounts: number): Day {
  const day = hoursTotal(s, 0, hours);
  const steady = hoursTotal(s, steadyFrom, hours);
  addCounts(day, steady, (24 - hours) / (hours - steadyFrom));
  // Round-robin over the accounts: a day's evaluations spread evenly.
  const perAccountMax = Math.max(maxOf(s.perAccount[0]), Math.ceil((day.direct + day.challenges) / accounts));
  return { ...day, perAccountMax };
}

/**
 * A slice of the block stands for all of it: every count scales by `factor` except the direct
 * guesses. The budget is stage-wide and absolute: the rest of the stage only adds failures to the
 * count, so it steps up no later and leaves no sooner than the slice alone; the slice's direct
 * guesses are therefore kept as they are (at most the stage's, in practice equal).
 */
export function scaledDay(day: Day, factor: number): Day {
  const scaled = { ...addCounts(noCounts(), day, factor), perAccountMax: day.perAccountMax };
  scaled.direct = day.direct;
  scaled.expectedDirect = day.expectedDirect;
  // Successes are events of the run, not rates: they stay as counted.
  scaled.successes = day.successes;
  scaled.matched = day.matched;
  return scaled;
}
