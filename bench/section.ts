import type { BenchFunction } from "./functions";

/** What the runner hands every section. */
export interface BenchContext {
  /** Repository root, absolute. */
  readonly root: string;
  /** bench/.out, absolute: created by the runner, gitignored; sections write their builds under it. */
  readonly outDir: string;
  /** Repetitions of every timed measurement (`--runs N`). */
  readonly runs: number;
  readonly functions: readonly BenchFunction[];
  /** Progress for humans; goes to stderr so that stdout holds only the result tables. */
  progress(message: string): void;
}

/**
 * One benchmark section: a module under bench/sections/ exporting `section`. The runner finds the
 * modules itself, so adding a benchmark (imports, latencies) is adding one file. Each runs in a
 * process of its own (lib/run-sections.ts): what one leaves in module state, another never sees.
 */
export interface Section {
  /** What `--only NAME` selects: the file's name, kebab-case (the runner checks they agree). */
  readonly name: string;
  readonly title: string;
  /** Prints its table on stdout and returns its figures (JSON-serializable) for results.json. */
  run(context: BenchContext): Promise<unknown>;
}

export function isSection(value: unknown): value is Section {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.run === "function"
  );
}
