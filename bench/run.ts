/**
 * The benchmark runner (`npm run bench`): runs every section of bench/sections/ in name order, or
 * the ones named by `--only`, each in a process of its own, prints their tables on stdout and writes
 * bench/.out/results.json.
 *
 *   npm run bench -- --runs 15 --only cold-start
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runtime } from "./functions";
import { describeMachine } from "./lib/machine";
import { runSections, SectionFailed, type SectionFile, sectionFile } from "./lib/run-sections";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, "..");
const outDir = join(benchDir, ".out");
const sectionsDir = join(benchDir, "sections");

/** Past this, a run takes hours on this machine: more likely a typo than a wish. */
const maxRuns = 200;

const usage = `usage: npm run bench -- [--runs N] [--only NAME]...
  --runs N     fresh processes per timed figure (default 7, at most ${maxRuns})
  --only NAME  run only this section (repeatable)`;

/** A mistake on the command line: its message is the whole story, no stack needed. */
class UsageError extends Error {}

function parseOptions(): { runs: number; only: string[] } {
  let values: { runs: string; only: string[]; help: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        runs: { type: "string", default: "7" },
        only: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > maxRuns) {
    throw new UsageError(`--runs must be an integer from 1 to ${maxRuns}, not "${values.runs}"\n${usage}`);
  }
  return { runs, only: values.only };
}

/** Every module of bench/sections/, by name; each is loaded only in the process that runs it. */
async function listSections(): Promise<SectionFile[]> {
  const files = (await readdir(sectionsDir)).filter((f) => f.endsWith(".ts")).sort();
  return files.map((file) => sectionFile(join(sectionsDir, file)));
}

async function main(): Promise<void> {
  const options = parseOptions();
  const all = await listSections();
  const unknown = options.only.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown section ${unknown.join(", ")}; sections: ${all.map((s) => s.name).join(", ")}`,
    );
  }
  const selected = options.only.length > 0 ? all.filter((s) => options.only.includes(s.name)) : all;

  await mkdir(outDir, { recursive: true });
  const machine = describeMachine();
  console.log(
    `Benchmarks, ${new Date().toISOString()}: ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.arch}, node ${machine.nodeVersion} ` +
      `(deployed: ${runtime.name} on ${runtime.architecture})`,
  );

  // One process per section: see runSectionInChild.
  const results = await runSections(selected, { root, outDir, runs: options.runs });

  const file = join(outDir, "results.json");
  await writeFile(
    file,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), machine, runtime, runs: options.runs, sections: results }, null, 2)}\n`,
  );
  process.stderr.write(`· wrote ${file}\n`);
}

main().catch((error: unknown) => {
  // A failed section has printed its own stack; its name and exit code are the rest of the story.
  if (error instanceof UsageError || error instanceof SectionFailed) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
