/**
 * Spaces sends evenly at a rate: each `take()` resolves at the next free slot. Concurrent callers
 * queue up for slots, so a sender never exceeds its share of the SES send rate.
 */
export function pacer(ratePerSecond: number, clock: () => number = () => performance.now()) {
  const interval = 1000 / ratePerSecond;
  let nextSlot = 0;
  return {
    async take(): Promise<void> {
      const now = clock();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      const wait = slot - now;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    },
  };
}
