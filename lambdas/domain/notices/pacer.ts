import type { NoticeMailer } from "./ports";

/**
 * Admits sends at a rate, with a hard cap: slots are spaced `1000 / rate` ms apart on a schedule
 * (a late timer is caught up, so the average rate holds), and no more than `rate` sends start in any
 * sliding second (so catching up never bursts above the rate). Callers are served in order.
 */
export function pacer(
  ratePerSecond: number,
  clock: () => number = () => performance.now(),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
) {
  // A rate below 1/s (a sender's share of a sandbox account) gets a window that holds one send.
  // 20 ms of margin (2 % of the rate): SES sees a call a few milliseconds after its slot (rendering,
  // signing, a busy event loop), and that jitter must not put `rate + 1` calls in one of its seconds.
  const baseWindowMs = Math.max(1000, 1000 / ratePerSecond);
  const limit = Math.max(1, Math.floor((ratePerSecond * baseWindowMs) / 1000));
  const windowMs = baseWindowMs + 20;
  const interval = 1000 / ratePerSecond;
  /** How far behind schedule a late timer may be caught up; beyond it (idle), the schedule restarts. */
  const catchUpMs = Math.max(interval, 100);
  const started: number[] = [];
  let nextSlot = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();

  async function admit(): Promise<void> {
    for (let guard = 0; guard < 10_000; guard++) {
      const now = clock();
      // One expression for "age" in both tests, so that float rounding cannot admit a start that
      // the window still holds.
      while (started.length > 0 && now - (started[0] as number) >= windowMs) started.shift();
      const windowWait = started.length >= limit ? windowMs - (now - (started[0] as number)) : 0;
      const wait = Math.max(windowWait, nextSlot - now);
      if (wait <= 0) {
        started.push(now);
        // On schedule, not from now, so a late timer does not lower the rate (the window caps any
        // catch-up); after an idle spell the schedule starts again from now.
        nextSlot = now - nextSlot > catchUpMs ? now + interval : nextSlot + interval;
        return;
      }
      // At least a hundredth of a millisecond: a float-sized wait would not move the clock.
      await sleep(Math.max(wait, 0.01));
    }
    throw new Error("pacer: no slot after 10,000 waits");
  }

  return {
    /** Resolves when the caller may start one send. */
    take(): Promise<void> {
      const turn = queue.then(admit);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

/**
 * The mailer, paced: the slot is taken right before the SES call (not when the message arrives),
 * so the reads and writes before it cannot bunch the calls SES sees.
 */
export function pacedMailer(mailer: NoticeMailer, pace: { take(): Promise<void> }): NoticeMailer {
  return {
    async sendBillAvailable(mail) {
      await pace.take();
      return mailer.sendBillAvailable(mail);
    },
  };
}
