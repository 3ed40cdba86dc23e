/**
 * One benchmark section in a process of its own, started by run-sections.ts:
 *
 *   node --import tsx bench/lib/section-child.ts '{"file": …, "name": …, "root": …, "outDir": …,
 *     "runs": …, "resultFile": …}'
 *
 * Prints the section's heading and tables on stdout, writes its figures to resultFile, exits 1 when
 * it fails.
 */
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { benchFunctions } from "../functions";
import { type BenchContext, isSection } from "../section";
import type { SectionChildArgs } from "./run-sections";

// A signal would end this process without its "exit" handlers, the ones that kill the emulators a
// section started (local/emulators/process.ts), and leave them running: exit instead.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "") as SectionChildArgs;
  const module = (await import(pathToFileURL(args.file).href)) as { section?: unknown };
  const section = module.section;
  if (!isSection(section)) throw new Error(`${args.file} does not export a \`section\``);
  // `--only` selects by file name before any module is loaded: the two must agree.
  if (section.name !== args.name) {
    throw new Error(
      `${args.file} exports the section "${section.name}": name it as its file, "${args.name}"`,
    );
  }
  const context: BenchContext = {
    root: args.root,
    outDir: args.outDir,
    runs: args.runs,
    functions: benchFunctions,
    progress: (message) => process.stderr.write(`· ${message}\n`),
  };
  console.log(`\n## ${section.name}: ${section.title}\n`);
  try {
    const result = await section.run(context);
    await writeFile(args.resultFile, `${JSON.stringify(result ?? null)}\n`);
  } finally {
    // esbuild's JS API keeps a service process; stop it so this process exits by itself.
    await esbuild.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
