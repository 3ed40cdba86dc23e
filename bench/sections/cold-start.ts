import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { floorKey, floorSource, type SdkClientPackage } from "../floors";
import { entryPath } from "../functions";
import { type BuildResult, buildBundle } from "../lib/build";
import { type ColdStartSample, measureColdStart } from "../lib/cold-start";
import { ratio, round, type Summary, summarize } from "../lib/stats";
import { startStubServer } from "../lib/stub-server";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/** One bundle that gets cold-started: a function or a floor. */
interface Target {
  readonly label: string;
  readonly build: BuildResult;
  readonly event: unknown;
  readonly samples: ColdStartSample[];
  /** SDK requests the stub answered during the last measured run. */
  sdkRequests: number;
}

interface ColdStartFigures {
  readonly wallMs: Summary;
  readonly inProcessMs: Summary;
  readonly importMs: Summary;
  readonly invokeMs: Summary;
  readonly bootMs: Summary;
}

function figures(samples: readonly ColdStartSample[]): ColdStartFigures {
  return {
    wallMs: summarize(samples.map((s) => s.wallMs)),
    inProcessMs: summarize(samples.map((s) => s.inProcessMs)),
    importMs: summarize(samples.map((s) => s.importMs)),
    invokeMs: summarize(samples.map((s) => s.invokeMs)),
    bootMs: summarize(samples.map((s) => s.bootMs)),
  };
}

/**
 * The issue's targets (14), for every function that calls AWS: bundle size and cold start (median,
 * spawn to response) at most these many times the floor's. A function without SDK clients has the
 * empty floor, against which a ratio says little (see BENCHMARKS.md): it gets no verdict.
 */
const maxSizeRatio = 1.2;
const maxColdRatio = 1.1;

/** Whether a function meets each target; null for a function that calls no AWS service. */
function targetVerdicts(callsAws: boolean, sizeRatio: number, coldStartRatio: number) {
  return {
    sizeTarget: { maxRatio: maxSizeRatio, met: callsAws ? sizeRatio <= maxSizeRatio : null },
    coldStartTarget: { maxRatio: maxColdRatio, met: callsAws ? coldStartRatio <= maxColdRatio : null },
  };
}

/** "met", "NOT met", or "n/a" for a function that calls no AWS service. */
function verdict(met: boolean | null): string {
  if (met === null) return "n/a";
  return met ? "met" : "NOT met";
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (summary: Summary) =>
  `${summary.median.toFixed(1)} (${summary.min.toFixed(1)}–${summary.max.toFixed(1)})`;
const times = (value: number) => `${value.toFixed(2)}×`;

async function buildFloor(
  context: BenchContext,
  key: string,
  clients: readonly SdkClientPackage[],
): Promise<BuildResult> {
  // Generated under bench/.out so that esbuild resolves the SDK from the project's node_modules.
  const sourceDir = join(context.outDir, "floor-src");
  await mkdir(sourceDir, { recursive: true });
  const source = join(sourceDir, `${key}.mjs`);
  await writeFile(source, floorSource(clients));
  return buildBundle(context.root, source, join(context.outDir, "floors", key, "index.mjs"));
}

export const section: Section = {
  name: "cold-start",
  title: "Bundle size and cold start of each function, against its floor",
  async run(context) {
    const functionTargets = new Map<string, Target>();
    const floorTargets = new Map<string, Target>();
    const warnings: string[] = [];

    for (const fn of context.functions) {
      context.progress(`building ${fn.name}`);
      const build = await buildBundle(
        context.root,
        entryPath(fn),
        join(context.outDir, "bundles", fn.name, "index.mjs"),
      );
      warnings.push(...build.warnings.map((w) => `${fn.name}: esbuild: ${w}`));
      functionTargets.set(fn.name, {
        label: fn.name,
        build,
        event: fn.firstEvent,
        samples: [],
        sdkRequests: 0,
      });
      const key = floorKey(fn.sdkClients);
      if (!floorTargets.has(key)) {
        context.progress(`building floor ${key}`);
        const floor = await buildFloor(context, key, fn.sdkClients);
        floorTargets.set(key, {
          label: `floor ${key}`,
          build: floor,
          event: fn.firstEvent,
          samples: [],
          sdkRequests: 0,
        });
      }
      // A floor is only a floor if it holds the same SDK packages as the function's bundle.
      const floorPackages = floorTargets.get(key)?.build.sdkPackages ?? [];
      if (build.sdkPackages.join() !== floorPackages.join()) {
        warnings.push(
          `${fn.name}: its bundle holds SDK packages [${build.sdkPackages.join(", ")}] but its floor ` +
            `holds [${floorPackages.join(", ")}]: update its sdkClients in bench/functions.ts`,
        );
      }
    }

    const targets = [...functionTargets.values(), ...floorTargets.values()];
    const stub = await startStubServer();
    try {
      // Round 0 warms the page cache (node binary, bundles) and is discarded; the measured rounds
      // interleave all targets so that drift on the machine spreads over every figure alike.
      for (let round = 0; round <= context.runs; round++) {
        context.progress(
          round === 0 ? "cold starts: warm-up round" : `cold starts: round ${round}/${context.runs}`,
        );
        for (const target of targets) {
          stub.takeRequestCount();
          const sample = await measureColdStart({
            root: context.root,
            bundle: target.build.outfile,
            event: target.event,
            functionName: target.label.replace(/[^A-Za-z0-9-]/g, "-"),
            endpointUrl: stub.url,
          });
          target.sdkRequests = stub.takeRequestCount();
          if (round > 0) target.samples.push(sample);
        }
      }
    } finally {
      await stub.close();
    }

    const results = context.functions.map((fn) => {
      const target = functionTargets.get(fn.name) as Target;
      const key = floorKey(fn.sdkClients);
      const floor = floorTargets.get(key) as Target;
      const own = figures(target.samples);
      const base = figures(floor.samples);
      const statusCodes = [...new Set(target.samples.map((s) => s.statusCode))];
      // Functions outside the HTTP API (queue, schedule, events) answer no status code.
      if (statusCodes.some((code) => code !== null && code >= 500)) {
        warnings.push(
          `${fn.name}: first invocation answered ${statusCodes.join(", ")}: the figure times a failure`,
        );
      }
      return {
        name: fn.name,
        entry: entryPath(fn),
        sdkClients: fn.sdkClients,
        firstEvent: fn.firstEventLabel,
        statusCodes,
        sdkRequests: target.sdkRequests,
        floor: key,
        bundle: { bytes: target.build.bytes, sdkPackages: target.build.sdkPackages },
        floorBundle: { bytes: floor.build.bytes, sdkPackages: floor.build.sdkPackages },
        sizeRatio: ratio(target.build.bytes, floor.build.bytes),
        // Differences too: against a near-empty floor a ratio is huge and says little on its own.
        sizeOverFloorBytes: target.build.bytes - floor.build.bytes,
        coldStartOverFloorMs: round(own.wallMs.median - base.wallMs.median),
        coldStart: own,
        floorColdStart: base,
        coldStartRatio: ratio(own.wallMs.median, base.wallMs.median),
        inProcessRatio: ratio(own.inProcessMs.median, base.inProcessMs.median),
        ...targetVerdicts(
          fn.sdkClients.length > 0,
          ratio(target.build.bytes, floor.build.bytes),
          ratio(own.wallMs.median, base.wallMs.median),
        ),
      };
    });

    const table = renderTable(
      [
        { header: "function" },
        { header: "bundle KiB", align: "right" },
        { header: "floor KiB", align: "right" },
        { header: "size ×", align: "right" },
        { header: `≤ ${maxSizeRatio.toFixed(2)}×` },
        { header: "cold start ms", align: "right" },
        { header: "floor ms", align: "right" },
        { header: "cold ×", align: "right" },
        { header: `≤ ${maxColdRatio.toFixed(2)}×` },
        { header: "in-process ms", align: "right" },
        { header: "floor in-process ms", align: "right" },
        { header: "in-proc ×", align: "right" },
      ],
      results.map((r) => [
        r.name,
        kib(r.bundle.bytes),
        kib(r.floorBundle.bytes),
        times(r.sizeRatio),
        verdict(r.sizeTarget.met),
        ms(r.coldStart.wallMs),
        ms(r.floorColdStart.wallMs),
        times(r.coldStartRatio),
        verdict(r.coldStartTarget.met),
        ms(r.coldStart.inProcessMs),
        ms(r.floorColdStart.inProcessMs),
        times(r.inProcessRatio),
      ]),
    );
    const notes = results.map(
      (r) =>
        `  ${r.name}: ${r.firstEvent} → ${r.statusCodes.join(", ")}; floor "${r.floor}"; ` +
        `+${kib(r.sizeOverFloorBytes)} KiB and +${r.coldStartOverFloorMs.toFixed(1)} ms over it; ` +
        `import ${ms(r.coldStart.importMs)} ms, first invoke ${ms(r.coldStart.invokeMs)} ms; ` +
        `SDK calls ${r.sdkRequests}`,
    );
    console.log(table);
    console.log(
      `\nms: median (min–max) of ${context.runs} fresh processes each. cold start = spawn until the ` +
        "response is printed; in-process = import + first invoke, timed in the child.",
    );
    console.log(notes.join("\n"));
    const judged = results.filter((r) => r.sizeTarget.met !== null);
    const missed = judged.filter((r) => !r.sizeTarget.met || !r.coldStartTarget.met);
    console.log(
      `\nTargets (functions that call AWS): size ≤ ${maxSizeRatio.toFixed(2)}× and cold start ≤ ` +
        `${maxColdRatio.toFixed(2)}× the floor: ${judged.length - missed.length} of ${judged.length} met both` +
        (missed.length > 0 ? `; not met: ${missed.map((r) => r.name).join(", ")}` : ""),
    );
    if (warnings.length > 0) console.log(`\nWarnings:\n${warnings.map((w) => `  ${w}`).join("\n")}`);

    return { runs: context.runs, functions: results, warnings };
  },
};
