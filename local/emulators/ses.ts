import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ManagedProcess, startProcess, waitForPort } from "./process";

/** Starts aws-ses-v2-local: SES v1/v2 SendEmail, a mailbox viewer at `/`, JSON at `GET /store`. */
export async function startSes(options: { port: number; logFile: string }): Promise<ManagedProcess> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve("aws-ses-v2-local/package.json")), "dist", "cli.js");
  const managed = startProcess(
    "SES emulator",
    process.execPath,
    [bin, "--host", "127.0.0.1", "--port", String(options.port)],
    { cwd: process.cwd(), logFile: options.logFile },
  );
  try {
    await waitForPort(options.port, managed.name, managed.child);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return managed;
}
