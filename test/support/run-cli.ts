import { execFile } from "node:child_process";

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one of the project's CLIs (`local/<script>`) as an operator would, against a .local folder.
 * Asynchronously: a synchronous spawn blocks the worker that serves the local API, whose keep-alive
 * sockets then reset the test's next request.
 */
export function runCli(script: string, args: readonly string[], localDir: string): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, ...args],
      { encoding: "utf8", env: { ...process.env, LOCAL_DIR: localDir, CI: "true" }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
