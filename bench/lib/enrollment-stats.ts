import { round } from "./stats";

/** Percentiles of one series of per-request times (ms). */
export interface Distribution {
  readonly n: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0..1) of sorted values, interpolated linearly between the two nearest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile: no values");
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new Error("distribution: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5), 3),
    p10: round(quantile(sorted, 0.1), 3),
    p90: round(quantile(sorted, 0.9), 3),
    min: round(sorted[0] as number, 3),
    max: round(sorted[sorted.length - 1] as number, 3),
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length, 3),
  };
}

export interface MannWhitney {
  /** U of the first sample: how many (a, b) pairs have a > b, ties counting one half. */
  readonly u: number;
  /** U / (n1 · n2): the probability that a request of the first case is slower (0.5 = no difference). */
  readonly probabilityFirstSlower: number;
  /** Normal approximation with the tie correction; |z| < 1.96 means no difference at the 5 % level. */
  readonly z: number;
  /** Two-sided p-value of the normal approximation. */
  readonly p: number;
}

/** Error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7): enough for a p-value. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-x * x));
}

/** Mann-Whitney U test of two independent samples (two-sided, normal approximation). */
export function mannWhitney(first: readonly number[], second: readonly number[]): MannWhitney {
  const n1 = first.length;
  const n2 = second.length;
  if (n1 === 0 || n2 === 0) throw new Error("mannWhitney: an empty sample");
  const all = [
    ...first.map((value) => ({ value, first: true })),
    ...second.map((value) => ({ value, first: false })),
  ];
  all.sort((a, b) => a.value - b.value);
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (
      j + 1 < all.length &&
      (all[j + 1] as { value: number }).value === (all[i] as { value: number }).value
    )
      j++;
    const averageRank = (i + j) / 2 + 1;
    const tied = j - i + 1;
    tieTerm += tied ** 3 - tied;
    for (let k = i; k <= j; k++) if ((all[k] as { first: boolean }).first) rankSumFirst += averageRank;
    i = j + 1;
  }
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  const p = 1 - erf(Math.abs(z) / Math.SQRT2);
  return { u, probabilityFirstSlower: round(u / (n1 * n2), 3), z: round(z, 2), p: round(p, 4) };
}
