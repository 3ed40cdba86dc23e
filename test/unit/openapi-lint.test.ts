import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The committed openapi.json (the document the API serves; openapi.test.ts keeps it equal to the
 * generator's output) passes the field's two OpenAPI linters with neither error nor warning:
 * Redocly's recommended ruleset and Spectral's spectral:oas (.spectral.yaml). Each runs through its
 * pinned CLI, as a developer would run it, in about two seconds.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const TIMEOUT_MS = 60_000;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a CLI of node_modules/.bin with the Node that runs the tests (the bin's shebang would take
 * whichever `node` is first on PATH). Resolves whatever the exit code: a linter exits 1 on errors,
 * and the test wants to show them.
 */
function runBin(name: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`node_modules/.bin/${name}`, ...args],
      {
        cwd: root,
        timeout: TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        // No network here or in CI: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Parses a linter's JSON report; on anything else, fails with what the linter printed. */
function report<T>(name: string, run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`${name} printed no JSON report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

interface RedoclyReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly {
    readonly ruleId: string;
    readonly severity: string;
    readonly message: string;
    readonly location: readonly { readonly pointer?: string }[];
  }[];
}

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
interface SpectralResult {
  readonly code: string;
  readonly severity: 0 | 1 | 2 | 3;
  readonly message: string;
  readonly path: readonly (string | number)[];
}

describe.concurrent("openapi.json passes the OpenAPI linters", () => {
  it(
    "Redocly, recommended ruleset: 0 errors, 0 warnings",
    async () => {
      const run = await runBin("redocly", [
        "lint",
        "--extends",
        "recommended",
        "--format",
        "json",
        "openapi.json",
      ]);
      const { totals, problems } = report<RedoclyReport>("redocly", run);
      // One line per problem, so that a failure shows the linter's findings.
      expect(
        problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? "?"}: ${p.message}`),
      ).toEqual([]);
      expect(totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(run.code).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "Spectral, spectral:oas: 0 errors, 0 warnings",
    async () => {
      // --quiet: without it, a clean run appends a sentence after the JSON.
      const run = await runBin("spectral", [
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--format",
        "json",
        "--quiet",
        "openapi.json",
      ]);
      const results = report<SpectralResult[]>("spectral", run);
      const severity = ["error", "warning", "information", "hint"];
      expect(
        results
          .filter((r) => r.severity <= 1)
          .map((r) => `${severity[r.severity]} ${r.code} at ${r.path.join(".")}: ${r.message}`),
      ).toEqual([]);
      expect(run.code).toBe(0);
    },
    TIMEOUT_MS,
  );
});
