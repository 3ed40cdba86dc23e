import { spawn } from "node:child_process";
import { join } from "node:path";
import type { ImportSummary } from "../../local/import/import-file";

/** The line of the child's stdout that carries its result. */
export const importChildMarker = "@@bench-import ";

/** What bench/lib/import-child.ts reports. */
export interface ImportChildResult extends ImportSummary {
  /** importBillingFile alone, timed in the child. */
  readonly wallMs: number;
  /** RSS once the modules are loaded, before the import starts (KiB). */
  readonly rssBeforeKiB: number;
  /** Peak RSS of the whole process, read at its end: process.resourceUsage().maxRSS (KiB). */
  readonly maxRssKiB: number;
  readonly heapUsedEndKiB: number;
}

export interface ImportChildOptions {
  readonly root: string;
  readonly file: string;
  readonly endpoint: string;
  /** The local stack's directory (its pepper file). */
  readonly stackDir: string;
  readonly timeoutMs: number;
}

/** Output kept for a failure report. */
const maxKeptOutput = 64 * 1024;

/**
 * Runs the importer on one file in a fresh `node --import tsx` process, so that its peak RSS is the
 * importer's alone (plus Node, tsx and the SDK, the same for every file size).
 */
export function runImportChild(options: ImportChildOptions): Promise<ImportChildResult> {
  const node = join(options.root, "node_modules/.bin/node");
  const script = join(options.root, "bench/lib/import-child.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(node, ["--import", "tsx", script, options.file, options.endpoint, options.stackDir], {
      cwd: options.root,
      // A minimal environment: NODE_OPTIONS or a developer's AWS profile must not change the figure.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TZ: "UTC",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (text: string) => {
      if (output.length < maxKeptOutput) output += text.slice(0, maxKeptOutput - output.length);
    };
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      if (stdout.length < maxKeptOutput) stdout += text;
      keep(text);
    });
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(importChildMarker));
      if (code !== 0 || !line) {
        const why = signal
          ? `was killed (${signal}; timeout ${options.timeoutMs / 1000} s?)`
          : `exited ${code}`;
        reject(new Error(`import child ${why} without a result\n--- child output ---\n${output}`));
        return;
      }
      resolve(JSON.parse(line.slice(importChildMarker.length)) as ImportChildResult);
    });
  });
}
