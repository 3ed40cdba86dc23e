import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SUPPORT_PHONE } from "../../lambdas/definitions/limits";
import { buildApp } from "../../lib/app";
import { repoRoot } from "../../lib/config/paths";
import {
  getStage,
  isStageName,
  resourcePrefix,
  stageNames,
  UnknownStageError,
} from "../../lib/config/stages";
import { testApp } from "./infra-app";

describe("stage configuration", () => {
  it.each(stageNames)("%s has the contract's defaults", (name) => {
    const stage = getStage(name);
    expect(stage.name).toBe(name);
    expect(stage.region).toBe("ca-central-1");
    expect(stage.supportPhone).toBe(DEFAULT_SUPPORT_PHONE);
    expect(stage.verification).toMatchObject({
      maxFailures: 5,
      windowSeconds: 900,
      lockoutSeconds: 900,
      dailyMaxFailures: 10,
    });
    // The failure budget (README, "Guessing"): 24 × (budget + 10 instances) / 100,000 ≤ 0.01 in prod.
    expect(stage.verification.globalFailuresPerHour).toBe(name === "prod" ? 25 : 50);
    expect(stage.alarms.lockedOutAnswersPerHour).toBeGreaterThan(0);
    expect(stage.notices).toEqual({ delayDays: 3, scheduleTime: "06:00", timeZone: "America/Toronto" });
    // An origin is scheme://host[:port], exactly what a browser sends in Origin.
    expect(new URL(stage.webOrigin).origin).toBe(stage.webOrigin);
    expect(stage.sesFromAddress).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(stage.api.enrollmentThrottle.rateLimit).toBeLessThan(stage.api.throttle.rateLimit);
    expect(stage.waf.enrollmentRequestsPerIpPer5Minutes).toBeGreaterThanOrEqual(10);
    expect(resourcePrefix(stage)).toBe(`enrollment-${name}`);
  });

  it("keeps data in prod only", () => {
    expect(stageNames.filter((name) => getStage(name).retainData)).toEqual(["prod"]);
  });

  it("refuses an unknown stage with a message that lists the valid ones", () => {
    expect(isStageName("nope")).toBe(false);
    expect(() => getStage("nope")).toThrow(UnknownStageError);
    expect(() => getStage("nope")).toThrow('Unknown stage "nope": use one of dev, staging, prod');
    const { app, dispose } = testApp();
    try {
      expect(() => buildApp("Prod", app)).toThrow(UnknownStageError);
    } finally {
      dispose();
    }
  });

  it("bin/app.ts prints one line and exits 1 for an unknown stage", () => {
    const outdir = mkdtempSync(join(tmpdir(), "enrollment-cdk-"));
    try {
      // What the CDK CLI does for `cdk synth -c stage=nope`: the context arrives in CDK_CONTEXT_JSON.
      const result = spawnSync(process.execPath, ["--import", "tsx", "bin/app.ts"], {
        cwd: repoRoot,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: "nope" }), CDK_OUTDIR: outdir },
        encoding: "utf8",
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        'Unknown stage "nope": use one of dev, staging, prod (cdk synth -c stage=NAME).',
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
