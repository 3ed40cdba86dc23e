import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { repoRoot } from "../../lib/config/paths";

/** The context of cdk.json (feature flags included), so that tests build what `cdk synth` builds. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, "cdk.json"), "utf8")) as { context?: object };
  return { ...cdkJson.context };
}

export interface TestApp {
  readonly app: App;
  readonly outdir: string;
  /** Removes the cloud assembly directory. */
  readonly dispose: () => void;
}

/**
 * An App with cdk.json's context and its own temporary output directory. Without `bundle`, asset
 * bundling is skipped (empty `aws:cdk:bundling-stacks`): NodejsFunction then runs no esbuild at all,
 * which keeps the template tests fast; one test bundles for real.
 */
export function testApp(options: { bundle?: boolean; context?: Record<string, unknown> } = {}): TestApp {
  const outdir = mkdtempSync(join(tmpdir(), "enrollment-cdk-"));
  const context = {
    ...cdkJsonContext(),
    ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
    ...options.context,
  };
  const app = new App({ outdir, context });
  return { app, outdir, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}
