import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { env } from "../../lambdas/definitions/environment";
import { freeLocalPorts } from "../../local/emulators/process";
import { type Endpoints, startLocalStack } from "../../local/stack";

declare module "vitest" {
  export interface ProvidedContext {
    localStack: { endpoints: Endpoints; environment: Record<string, string> };
  }
}

/**
 * Starts the emulators once for the integration tier, on free ports (a running `npm start` is left
 * alone), with DynamoDB in memory and the Cognito data in a temporary folder.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "enrollment-it-"));
  const ports = await freeLocalPorts();
  const stack = await startLocalStack({ ports, dir, persist: false, serveApi: false });
  // The stage-wide failure budget would put every later test in step-up once the lockout tests
  // have failed enough: out of reach here; the step-up test runs a stack of its own with a low one.
  const environment = { ...stack.environment, [env.verifyGlobalFailuresPerHour]: "1000000000" };
  project.provide("localStack", { endpoints: stack.endpoints, environment });
  return async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
