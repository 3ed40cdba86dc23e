/**
 * The rules of the per-account cap on enrollment e-mails (contract §4, v2): every enrollment that
 * gets as far as e-mailing (a confirmation link, or "this address already has a profile") takes one
 * of ENROLLMENT_EMAILS_PER_DAY slots of a sliding 24-hour window. Pure functions over the stored
 * state, shared by the DynamoDB adapter and the test fakes, as attempt-window.ts is for verification.
 */

/** One enrollment that took a slot: its id (the hash of its verification token) and when. */
export interface QuotaSend {
  readonly id: string;
  readonly at: number;
}

export interface QuotaState {
  readonly sends: readonly QuotaSend[];
  /** Enrollments whose "already has a profile" e-mail went out: a repeat does not send it again. */
  readonly notified: readonly string[];
}

export interface QuotaConfig {
  readonly max: number;
  readonly windowSeconds: number;
}

export type QuotaDecision =
  | {
      readonly allowed: true;
      readonly notified: boolean;
      /** The state to write; absent when this enrollment already held its slot (nothing changes). */
      readonly next?: QuotaState;
    }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Takes a slot for enrollment `id`. The same enrollment again (a repeated request, a retry after a
 * failure) keeps the slot it has: it never counts twice. Slots older than the window are dropped.
 */
export function reserveEmail(
  state: QuotaState,
  id: string,
  nowMs: number,
  config: QuotaConfig,
): QuotaDecision {
  if (state.sends.some((send) => send.id === id)) {
    return { allowed: true, notified: state.notified.includes(id) };
  }
  const windowMs = config.windowSeconds * 1000;
  const recent = state.sends.filter((send) => send.at > nowMs - windowMs);
  if (recent.length >= config.max) {
    // Free once the oldest slot of the window is a full window old.
    const oldest = Math.min(...recent.map((send) => send.at));
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000)) };
  }
  const sends = [...recent, { id, at: nowMs }];
  return {
    allowed: true,
    notified: false,
    next: { sends, notified: state.notified.filter((n) => sends.some((send) => send.id === n)) },
  };
}

/** When the state may be forgotten (epoch ms): once its newest slot has left the window. */
export function quotaExpiry(state: QuotaState, config: QuotaConfig): number {
  return Math.max(0, ...state.sends.map((send) => send.at)) + config.windowSeconds * 1000;
}
