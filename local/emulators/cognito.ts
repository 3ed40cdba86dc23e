import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ManagedProcess, startProcess, waitForPort } from "./process";

/**
 * Starts cognito-local with its database under `dataDir/.cognito`. It listens on 127.0.0.1 while
 * its tokens keep the issuer `http://localhost:PORT/POOL_ID`, as the website and tests expect.
 */
export async function startCognito(options: {
  port: number;
  dataDir: string;
  logFile: string;
}): Promise<ManagedProcess> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve("cognito-local/package.json")), "lib", "bin", "start.js");
  const configDir = join(options.dataDir, ".cognito");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, "config.json"),
    JSON.stringify(
      {
        TokenConfig: { IssuerDomain: `http://localhost:${options.port}` },
        ServerConfig: { port: options.port, hostname: "127.0.0.1" },
      },
      null,
      2,
    ),
  );
  const managed = startProcess("Cognito emulator", process.execPath, [bin], {
    cwd: options.dataDir,
    env: { PORT: String(options.port), HOST: "127.0.0.1" },
    logFile: options.logFile,
  });
  try {
    await waitForPort(options.port, managed.name, managed.child);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return managed;
}
