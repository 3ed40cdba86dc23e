import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ensureLocalPepper } from "../../local/pepper-file";
import { tempFiles } from "../support/temp-files";

/** `npm run import` as an operator runs it, against the emulators through a .local folder of its own. */
const { endpoints } = inject("localStack");
const files = tempFiles("import-cli");
writeFileSync(join(files.dir, "endpoints.json"), JSON.stringify(endpoints));
ensureLocalPepper(files.dir);
afterAll(() => files.cleanup());

const HEADER = "customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName";

function cli(args: string[], localDir = files.dir) {
  const out = spawnSync(process.execPath, ["--import", "tsx", "local/import/cli.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, LOCAL_DIR: localDir, CI: "true" },
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe("npm run import", () => {
  it("exits 0 with the summary line when every row is imported", () => {
    const file = files.write(
      `${HEADER}\n9600001,12345,4505551234,J4K1A1,84.37,fr,84.37,A\n9600002,12345,4505551234,J4K1A1,84.37,fr,0,B\n`,
    );
    const { code, stdout, stderr } = cli(["accounts", file]);
    expect(stderr).toBe("");
    expect(stdout).toBe("imported 2, rejected 0\n");
    expect(code).toBe(0);
  });

  it("counts what was written and names the duplicate: the last of two rows of one key wins", () => {
    const file = files.write(
      `${HEADER}\n9600004,12345,4505551234,J4K1A1,84.37,fr,1.00,A\n9600004,12345,4505551234,J4K1A1,84.37,fr,2.00,A\n9600005,12345,4505551234,J4K1A1,84.37,fr,0,B\n`,
    );
    const { code, stdout, stderr } = cli(["accounts", file]);
    expect(stderr).toBe("warning: line 3: customerNumber 9600004 also on line 2; the last one wins\n");
    expect(stdout).toBe("imported 2, rejected 0 (1 duplicate: line 3 replaced line 2, key 9600004)\n");
    expect(code).toBe(0);
  });

  it("lists every bad field of a row, and the refused rows in line order", () => {
    const file = files.write(
      `${HEADER}\n9600006,12345,555,J4K1A1,84.37,de,abc,A\n96000,12345,4505551234,J4K1A1,84.37,fr,0,B\n`,
    );
    const { code, stdout, stderr } = cli(["accounts", file]);
    expect(stderr.split("\n")).toEqual([
      "line 2, phone: must be a 10-digit phone number with the area code",
      "line 2, language: must be fr or en",
      "line 2, balance: must be an amount with at most two decimals (negative when in credit)",
      "line 3, customerNumber: must be exactly 7 digits",
      "",
    ]);
    expect(stdout).toBe("imported 0, rejected 2\n");
    expect(code).toBe(1);
  });

  it("exits 1 and lists the refused rows when any row is rejected", () => {
    const file = files.write(
      `${HEADER}\n9600003,12345,4505551234,J4K1A1,84.37,fr,84.37,A\n960000,12345,4505551234,J4K1A1,84.37,fr,0,B\n`,
    );
    const { code, stdout, stderr } = cli(["accounts", file]);
    expect(stdout.trim().split("\n").at(-1)).toBe("imported 1, rejected 1");
    expect(stderr).toContain("line 3, customerNumber: must be exactly 7 digits");
    expect(code).toBe(1);
  });

  it("says what to do when the file is missing, the kind unknown or the local stack not running", () => {
    const missing = cli(["bills", join(files.dir, "nope.csv")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
    expect(missing.stdout).toBe("imported 0, rejected 0\n");

    const usage = cli(["invoices", "x.csv"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown kind "invoices"');

    const stopped = cli(["accounts", "x.csv"], join(files.dir, "no-stack-here"));
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("the local stack is not running");
  });

  it("names the valid stages for an unknown --stage", () => {
    const { code, stderr } = cli(["accounts", "x.csv", "--stage", "qa"]);
    expect(code).toBe(1);
    expect(stderr).toContain('Unknown stage "qa": use one of dev, staging, prod');
  });
});
