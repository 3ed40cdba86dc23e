/**
 * The attempt limiter's rules, as pure functions over the state one customer number keeps: the
 * DynamoDB adapter and the in-memory ports of the tests and the guessing benchmark apply the same
 * ones. An attempt is reserved before it is evaluated (so parallel guesses cannot beat the limits);
 * a reservation that fails stays as a failure, one that succeeds is given back.
 *
 * - Sliding window: the `maxFailures`-th failure within *any* `windowSeconds` locks, for
 *   `lockoutSeconds`, doubled at each later lockout (up to a day).
 * - Daily cap: no more than `dailyMaxFailures` failures in any 24 hours; past it, refused until the
 *   oldest of them is 24 hours old.
 */

export interface LimiterConfig {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly lockoutSeconds: number;
  readonly dailyMaxFailures: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Lockouts double each time, up to a day. */
export const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;

export interface AttemptState {
  /** When each reserved or failed attempt of the last 24 hours was made (ms), oldest first. */
  readonly attempts: readonly number[];
  readonly lockedUntil?: number;
  /** Lockouts so far, forgotten a day after the last one ends. */
  readonly lockouts?: number;
}

export interface Reservation {
  /** The reserved attempt's time: the key that gives it back on success. */
  readonly at: number;
  /** Attempts in the sliding window, this one included. */
  readonly inWindow: number;
  /** Attempts in the last 24 hours, this one included. */
  readonly inDay: number;
  readonly lockouts: number;
}

export type ReserveResult =
  | { readonly allowed: true; readonly next: AttemptState; readonly reservation: Reservation }
  | {
      readonly allowed: false;
      readonly retryAfterSeconds: number;
      readonly reason: "lockout" | "window" | "day";
    };

export function lockoutSeconds(config: LimiterConfig, previousLockouts: number): number {
  return Math.min(MAX_LOCKOUT_SECONDS, config.lockoutSeconds * 2 ** Math.min(previousLockouts, 20));
}

const retryAfter = (untilMs: number, nowMs: number) => Math.max(1, Math.ceil((untilMs - nowMs) / 1000));

function lockoutsNow(state: AttemptState, nowMs: number): number {
  return state.lockedUntil !== undefined && state.lockedUntil > nowMs - DAY_MS ? (state.lockouts ?? 0) : 0;
}

/** Reserves one evaluation, or says how long until one may be made. */
export function reserveAttempt(state: AttemptState, nowMs: number, config: LimiterConfig): ReserveResult {
  const day = state.attempts.filter((t) => t > nowMs - DAY_MS);
  if (state.lockedUntil !== undefined && state.lockedUntil > nowMs) {
    return { allowed: false, retryAfterSeconds: retryAfter(state.lockedUntil, nowMs), reason: "lockout" };
  }
  const windowMs = config.windowSeconds * 1000;
  const window = day.filter((t) => t > nowMs - windowMs);
  if (window.length >= config.maxFailures) {
    // Free again once enough of them have slid out of the window.
    const freeAt = (window[window.length - config.maxFailures] as number) + windowMs;
    return { allowed: false, retryAfterSeconds: retryAfter(freeAt, nowMs), reason: "window" };
  }
  if (day.length >= config.dailyMaxFailures) {
    const freeAt = (day[day.length - config.dailyMaxFailures] as number) + DAY_MS;
    return { allowed: false, retryAfterSeconds: retryAfter(freeAt, nowMs), reason: "day" };
  }
  const lockouts = lockoutsNow(state, nowMs);
  return {
    allowed: true,
    next: { ...state, attempts: [...day, nowMs], lockouts },
    reservation: { at: nowMs, inWindow: window.length + 1, inDay: day.length + 1, lockouts },
  };
}

/**
 * The reserved attempt failed: it stays counted. The failure that fills the window starts a
 * lockout (null when none starts).
 */
export function lockoutAfterFailure(
  reservation: Reservation,
  nowMs: number,
  config: LimiterConfig,
): { readonly lockedUntil: number; readonly lockouts: number } | null {
  if (reservation.inWindow < config.maxFailures) return null;
  return {
    lockedUntil: nowMs + lockoutSeconds(config, reservation.lockouts) * 1000,
    lockouts: reservation.lockouts + 1,
  };
}

/** The reserved attempt succeeded: it is given back; the failures before it stay counted. */
export function releaseAttempt(state: AttemptState, reservation: Reservation): AttemptState {
  const index = state.attempts.lastIndexOf(reservation.at);
  if (index < 0) return state;
  return { ...state, attempts: [...state.attempts.slice(0, index), ...state.attempts.slice(index + 1)] };
}

/** When the state may be forgotten (TTL): a day after its last attempt or lockout. */
export function stateExpiry(state: AttemptState): number {
  return Math.max(0, ...state.attempts, state.lockedUntil ?? 0) + DAY_MS;
}

/**
 * The state as support sees it, without reserving anything: the attempts counted now, and until
 * when the account is refused (the same rules as `reserveAttempt`, so the two never disagree).
 */
export function describeAttempts(
  state: AttemptState,
  nowMs: number,
  config: LimiterConfig,
): { inWindow: number; inDay: number; blockedUntil?: number; reason?: "lockout" | "window" | "day" } {
  const inDay = state.attempts.filter((t) => t > nowMs - DAY_MS).length;
  const inWindow = state.attempts.filter((t) => t > nowMs - config.windowSeconds * 1000).length;
  const result = reserveAttempt(state, nowMs, config);
  if (result.allowed) return { inWindow, inDay };
  return { inWindow, inDay, blockedUntil: nowMs + result.retryAfterSeconds * 1000, reason: result.reason };
}
