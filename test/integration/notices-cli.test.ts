import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { tempFiles } from "../support/temp-files";

/**
 * `npm run notices` as an operator runs it, against the emulators through a .local folder of its
 * own. The shared tables hold other files' bills, so the runs here only read (a date before any
 * bill, or --dry-run); the counts of real runs are in notices.test.ts.
 */
const { endpoints } = inject("localStack");
const files = tempFiles("notices-cli");
writeFileSync(join(files.dir, "endpoints.json"), JSON.stringify(endpoints));
afterAll(() => files.cleanup());

function cli(args: string[], localDir = files.dir) {
  const out = spawnSync(process.execPath, ["--import", "tsx", "local/notices/cli.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, LOCAL_DIR: localDir, CI: "true", SES_MAX_SEND_RATE: "100" },
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const SUMMARY = /^sent \d+, skipped-credit \d+, skipped-inactive \d+, already-sent \d+$/;

describe("npm run notices", () => {
  it("prints the contract's summary line and exits 0 (a day before any bill: all zero)", () => {
    const { code, stdout, stderr } = cli(["--date", "2001-01-01"]);
    expect(stderr).toBe("");
    expect(stdout).toBe("sent 0, skipped-credit 0, skipped-inactive 0, already-sent 0\n");
    expect(code).toBe(0);
  });

  it("--dry-run says how many would be sent, then the summary line, and sends nothing", () => {
    const { code, stdout, stderr } = cli(["--dry-run", "--date=2026-11-20"]);
    expect(stderr).toBe("");
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^dry run for 2026-11-20: \d+ would be sent$/);
    expect(lines.at(-1)).toMatch(SUMMARY);
    expect(lines.at(-1)).toMatch(/^sent 0,/);
    expect(code).toBe(0);
  });

  it("refuses a date that is not a real YYYY-MM-DD, or an unknown option, with the usage (exit 2)", () => {
    for (const args of [["--date", "2026-02-30"], ["--now"], ["--stage", "qa"], ["--stage"]]) {
      const { code, stdout, stderr } = cli(args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stdout).toBe("");
      expect(stderr).toContain("usage: npm run notices -- [--date YYYY-MM-DD] [--dry-run] [--stage NAME]");
    }
  });

  it("says what to do when the local stack is not running (exit 1)", () => {
    const { code, stderr } = cli(["--dry-run"], join(files.dir, "no-stack-here"));
    expect(code).toBe(1);
    expect(stderr).toContain("the local stack is not running");
    expect(stderr).toContain("npm start");
  });
});
