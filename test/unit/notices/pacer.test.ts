import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NOTICE_SEND_MS, senderSettings } from "../../../lambdas/definitions/notices";
import { pacer } from "../../../lambdas/domain/notices/pacer";

/** "Sending respects the SES account's maximum send rate": the pacer and the sender settings. */

/** A clock that only moves when the pacer sleeps, each sleep running late by up to `lateMs`. */
function lateClock(lateness: () => number) {
  let now = 0;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms + lateness();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The most starts within any window of `windowMs` (a sliding window over sorted times). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    // A hair of tolerance: starts exactly one window apart may differ by a float rounding.
    while ((times[last] as number) - (times[first] as number) >= windowMs - 1e-6) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("pacer", () => {
  it("spaces concurrent takes at the rate with real timers: n takes span at least (n - 1) intervals", async () => {
    const pace = pacer(200); // one slot every 5 ms
    const times: number[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 21 }, async () => {
        await pace.take();
        times.push(performance.now() - start);
      }),
    );
    times.sort((a, b) => a - b);
    expect(times[0]).toBeLessThan(50);
    expect(times.at(-1)).toBeGreaterThanOrEqual(95);
  });

  it("never lets more than the rate start in any second, and keeps the rate, however late timers fire", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 50 }),
        async (rate, latenesses) => {
          let i = 0;
          const time = lateClock(() => latenesses[i++ % latenesses.length] as number);
          const pace = pacer(rate, time.clock, time.sleep);
          const starts: number[] = [];
          const n = Math.min(3 * rate, 600);
          for (let k = 0; k < n; k++) {
            await pace.take();
            starts.push(time.clock());
          }
          expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(rate);
          // Over the whole run, at least 0.9 of the rate (the first second starts at once).
          const span = (starts.at(-1) as number) - (starts[0] as number);
          if (span > 2000) expect((n - 1) / (span / 1000)).toBeGreaterThanOrEqual(rate * 0.9);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("gives a rate under one per second one send per 1/rate seconds", async () => {
    const time = lateClock(() => 0);
    const pace = pacer(0.5, time.clock, time.sleep);
    const starts: number[] = [];
    for (let k = 0; k < 4; k++) {
      await pace.take();
      starts.push(time.clock());
    }
    // Every 2 s, plus the pacer's 20 ms of margin for the jitter between a slot and the SES call.
    expect(starts).toEqual([0, 2020, 4040, 6060]);
  });

  it("does not carry debt: long after the last send, the next one starts at once", async () => {
    const time = lateClock(() => 0);
    const pace = pacer(10, time.clock, time.sleep);
    await pace.take();
    await pace.take();
    time.advance(60_000);
    const before = time.clock();
    await pace.take();
    expect(time.clock()).toBe(before);
  });
});
describe("senderSettings: event source settings from the SES maximum send rate", () => {
  it("known stages: 1/s (dev, staging) and 1,000/s (prod); enough senders for NOTICE_SEND_MS each", () => {
    expect(senderSettings(1)).toEqual({ batchSize: 2, maxConcurrency: 2 });
    expect(senderSettings(14)).toEqual({ batchSize: 10, maxConcurrency: 3 });
    expect(senderSettings(200)).toEqual({ batchSize: 10, maxConcurrency: 38 });
    // 1,000/s × 150 ms = 150 notices in flight, with 25 % headroom.
    expect(senderSettings(1000)).toEqual({ batchSize: 10, maxConcurrency: 188 });
  });

  it("for any rate: Lambda's limits hold and a batch takes at most ~5 s at the sender's share", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (rate) => {
        const { batchSize, maxConcurrency } = senderSettings(rate);
        expect(maxConcurrency).toBeGreaterThanOrEqual(2); // SQS event source minimum
        expect(maxConcurrency).toBeLessThanOrEqual(1000); // SQS event source maximum
        // Keeping up: each sender handles one notice at a time (up to Lambda's maximum).
        if (maxConcurrency < 1000)
          expect((maxConcurrency * 1000) / NOTICE_SEND_MS).toBeGreaterThanOrEqual(rate);
        expect(batchSize).toBeGreaterThanOrEqual(1);
        expect(batchSize).toBeLessThanOrEqual(10);
        const perSender = rate / maxConcurrency;
        // Every sender paces at rate / maxConcurrency: together exactly the rate, never more.
        expect(perSender * maxConcurrency).toBeCloseTo(rate, 9);
        if (batchSize > 1) expect(batchSize / perSender).toBeLessThanOrEqual(5 + 1e-9);
      }),
    );
  });
});
