export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every sample, in measurement order, so a reader of results.json can see drift. */
  readonly samples: readonly number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  // Even counts take the mean of the two middle samples, the usual median.
  const median = sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
  return {
    median: round(median),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
    samples: samples.map(round),
  };
}

/** Rounds to 0.01 ms: finer digits are timer noise and only bloat results.json. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function ratio(value: number, floor: number): number {
  return floor > 0 ? round(value / floor) : Number.NaN;
}
