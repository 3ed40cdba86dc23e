import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { senderSettings } from "../../../lambdas/definitions/notices";
import { pacer } from "../../../lambdas/domain/notices/pacer";

/** "Sending respects the SES account's maximum send rate": the pacer and the sender settings. */

describe("pacer", () => {
  it("spaces concurrent takes at the rate: n takes span at least (n - 1) intervals", async () => {
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
    expect(times[0]).toBeLessThan(50); // the first slot is now
    // 20 intervals of 5 ms (timers may fire up to ~1 ms early on some platforms).
    expect(times.at(-1)).toBeGreaterThanOrEqual(95);
  });

  it("never hands out two slots closer than the interval (fake clock and timers)", async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const pace = pacer(10, () => now); // 100 ms apart
      const done: string[] = [];
      const track = (name: string) => pace.take().then(() => done.push(name));
      const all = Promise.all([track("a"), track("b"), track("c")]);
      await vi.advanceTimersByTimeAsync(0);
      expect(done).toEqual(["a"]);
      await vi.advanceTimersByTimeAsync(99);
      expect(done).toEqual(["a"]);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toEqual(["a", "b"]);
      await vi.advanceTimersByTimeAsync(100);
      expect(done).toEqual(["a", "b", "c"]);
      await all;
      // Long after the last slot, a take is immediate again (no debt is carried).
      now = 10_000;
      const late = track("d");
      await vi.advanceTimersByTimeAsync(0);
      expect(done).toContain("d");
      await late;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("senderSettings: event source settings from the SES maximum send rate", () => {
  it("known stages: 1/s (dev, staging) and 14/s (prod)", () => {
    expect(senderSettings(1)).toEqual({ batchSize: 2, maxConcurrency: 2 });
    expect(senderSettings(14)).toEqual({ batchSize: 10, maxConcurrency: 2 });
    expect(senderSettings(200)).toEqual({ batchSize: 10, maxConcurrency: 20 });
  });

  it("for any rate: Lambda's limits hold and a batch takes at most ~5 s at the sender's share", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (rate) => {
        const { batchSize, maxConcurrency } = senderSettings(rate);
        expect(maxConcurrency).toBeGreaterThanOrEqual(2); // SQS event source minimum
        expect(maxConcurrency).toBeLessThanOrEqual(50);
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
