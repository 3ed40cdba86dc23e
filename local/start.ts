import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENROLLMENT_SWEEP_INTERVAL_MINUTES } from "../lambdas/definitions/limits";
import { StartupError } from "./emulators/process";
import { localDir, portsFromEnv, SettingsError } from "./settings";
import { startLocalStack } from "./stack";

/**
 * `npm start [-- --fresh]`: the whole system on this machine, on emulators, until Ctrl-C.
 * Emulator output goes to .local/logs/; data persists under .local/ unless --fresh.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--fresh");
  if (unknown.length > 0) {
    throw new SettingsError(`Unknown option ${unknown.join(" ")}. Usage: npm start [-- --fresh]`);
  }
  const began = performance.now();
  const ports = portsFromEnv();
  mkdirSync(localDir, { recursive: true });
  const stack = await startLocalStack({
    ports,
    dir: localDir,
    persist: true,
    demo: true,
    serveWeb: true,
    fresh: args.includes("--fresh"),
    sweepEveryMs: ENROLLMENT_SWEEP_INTERVAL_MINUTES * 60 * 1000,
    onProgress: (step) => process.stdout.write(`… ${step}\n`),
  });
  const endpointsFile = join(localDir, "endpoints.json");
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    try {
      process.stdout.write(`\n${signal}: stopping the local stack…\n`);
    } catch {
      // the terminal may be gone; stopping matters more than saying so
    }
    rmSync(endpointsFile, { force: true });
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  writeFileSync(endpointsFile, `${JSON.stringify(stack.endpoints, null, 2)}\n`);
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stdout.write(
    [
      `Local stack ready in ${seconds} s.`,
      `Website:  ${stack.endpoints.web}/   (enroll demo customer 9900001 with access code 11111)`,
      `API:      ${stack.endpoints.api}   (try: curl ${stack.endpoints.api}/v1/health)`,
      `Mailbox:  ${stack.endpoints.ses}/`,
      `Details:  ${join(localDir, "endpoints.json")}; emulator logs in ${join(localDir, "logs")}/`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartupError || error instanceof SettingsError) {
    process.stderr.write(`npm start: ${error.message}\n`);
  } else {
    process.stderr.write(
      `npm start: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
