import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const childScript = fileURLToPath(new URL("./section-child.ts", import.meta.url));

/** A section's module, by the name `--only` selects (its file name, which the child checks). */
export interface SectionFile {
  readonly name: string;
  /** Absolute path of the module under bench/sections/. */
  readonly file: string;
}

export function sectionFile(file: string): SectionFile {
  return { name: basename(file).replace(/\.ts$/, ""), file };
}

/** What the child builds its BenchContext from: JSON, since it crosses a process boundary. */
export interface SectionChildArgs {
  readonly file: string;
  readonly name: string;
  readonly root: string;
  readonly outDir: string;
  readonly runs: number;
  /** Where the child writes the section's figures as JSON. */
  readonly resultFile: string;
}

export class SectionFailed extends Error {}

/**
 * Runs one section in a fresh `node --import tsx` process and returns its figures. A process of its
 * own, because the handlers keep their SDK clients in module singletons (documentClient() and the
 * like) that read the endpoints of the stack running when they were first used: in a shared process,
 * a later section's handlers sent to an earlier section's DynamoDB Local, long stopped
 * (ECONNREFUSED). A fresh process is also what each deployed function gets: one cold start per
 * environment. Its output is the terminal's, as when the sections ran in the runner.
 */
export async function runSectionInChild(
  section: SectionFile,
  options: { root: string; outDir: string; runs: number },
): Promise<unknown> {
  const resultDir = join(options.outDir, "sections");
  await mkdir(resultDir, { recursive: true });
  const resultFile = join(resultDir, `${section.name}.json`);
  // A result left by an earlier run must not pass for this one's.
  await rm(resultFile, { force: true });
  const args: SectionChildArgs = { ...options, file: section.file, name: section.name, resultFile };
  const code = await new Promise<number | string>((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript, JSON.stringify(args)], {
      cwd: options.root,
      stdio: ["ignore", "inherit", "inherit"],
    });
    // Stopping the runner stops the section, and the section its emulators (see section-child.ts).
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const settle = () => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
    };
    child.once("error", (error) => {
      settle();
      fail(error);
    });
    child.once("exit", (exitCode, signal) => {
      settle();
      done(exitCode ?? signal ?? "unknown");
    });
  });
  if (code !== 0) throw new SectionFailed(`section ${section.name} failed (exit ${code})`);
  return JSON.parse(await readFile(resultFile, "utf8")) as unknown;
}

/** The sections one after the other, each in its own process; stops at the first that fails. */
export async function runSections(
  sections: readonly SectionFile[],
  options: { root: string; outDir: string; runs: number },
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const section of sections) results[section.name] = await runSectionInChild(section, options);
  return results;
}
