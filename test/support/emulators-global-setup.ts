import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
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
  project.provide("localStack", { endpoints: stack.endpoints, environment: { ...stack.environment } });
  return async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
