import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, portIsFree } from "../../local/emulators/process";

/** `npm start` as a person runs it: its own process, its own ports and folder, stopped with Ctrl-C. */
const root = process.cwd();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function ports() {
  return {
    PORT: await freePort(),
    DYNAMODB_PORT: await freePort(),
    COGNITO_PORT: await freePort(),
    SES_PORT: await freePort(),
    WEB_PORT: await freePort(),
  };
}

function startCli(
  env: Record<string, string | number>,
  extra: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "enrollment-start-"));
  dirs.push(dir);
  let output = "";
  // The integration tier's own stack set its web origin in this process's environment; a person's
  // shell has none, and npm start then serves the website at WEB_PORT as the origin.
  const { WEB_ORIGIN: _origin, WEB_BASE_URL: _baseUrl, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    cwd: root,
    env: {
      ...inherited,
      LOCAL_DIR: dir,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return { child, output: () => output, dir };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once("exit", (code) => done(code));
  });
}

describe("npm start", () => {
  it("serves /v1/health, writes endpoints.json, loads the demo of the day, and stops every child on Ctrl-C", async () => {
    const env = await ports();
    const { child, output, dir } = startCli(env);
    // A bound against a hang, not a speed target (about 4 s on a quiet machine; see BENCHMARKS.md).
    const deadline = Date.now() + 90_000;
    while (!output().includes("Local stack ready") && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output()).toContain("Local stack ready");
    expect(output()).toContain(`http://localhost:${env.PORT}`);
    const res = await fetch(`http://127.0.0.1:${env.PORT}/v1/health`);
    expect(await res.json()).toEqual({ status: "ok" });
    const endpoints = JSON.parse(readFileSync(join(dir, "endpoints.json"), "utf8"));
    expect(endpoints).toMatchObject({
      api: `http://localhost:${env.PORT}`,
      dynamodb: `http://localhost:${env.DYNAMODB_PORT}`,
      ses: `http://localhost:${env.SES_PORT}`,
      cognito: { endpoint: `http://localhost:${env.COGNITO_PORT}` },
    });
    expect(endpoints.cognito.userPoolId).toMatch(/\S/);
    // The website at WEB_PORT, allowed to call this API (its CSP, and the API's CORS origin).
    expect(endpoints.web).toBe(`http://localhost:${env.WEB_PORT}`);
    const page = await fetch(`http://127.0.0.1:${env.WEB_PORT}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain(`http://localhost:${env.PORT}`);
    const cors = await fetch(`http://127.0.0.1:${env.PORT}/v1/health`, {
      headers: { Origin: endpoints.web },
    });
    expect(cors.headers.get("access-control-allow-origin")).toBe(endpoints.web);
    // The README's demo table, on whatever day this runs: the next `npm run notices` e-mails the
    // enrolled 9900005's bill of the day, counts 9900004's bill in credit, and 9900006's (not
    // enrolled, within the catch-up window) as inactive; the older bills are settled unsent.
    const notices = spawnSync(process.execPath, ["--import", "tsx", "local/notices/cli.ts"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, LOCAL_DIR: dir, CI: "true" },
      timeout: 60_000,
    });
    expect(notices.stderr).toBe("");
    expect(notices.stdout.trim().split("\n").at(-1)).toBe(
      "sent 1, skipped-credit 1, skipped-inactive 1, already-sent 0",
    );
    // The enrollment sweep ran at start; `npm run sweep` runs it again (nothing is 24 hours old).
    expect(output()).toContain("sweeping expired enrollments");
    const sweep = spawnSync(process.execPath, ["--import", "tsx", "local/sweep-cli.ts"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, LOCAL_DIR: dir },
      timeout: 60_000,
    });
    expect([sweep.status, sweep.stderr, sweep.stdout]).toEqual([0, "", "expired 0, kept 0, failed 0\n"]);
    child.kill("SIGINT");
    expect(await exitOf(child)).toBe(0);
    for (const port of Object.values(env)) expect(await portIsFree(port)).toBe(true);
  }, 180_000);

  it("says in one line which port is taken and exits 1", async () => {
    const env = await ports();
    const blocker: Server = createServer();
    await new Promise<void>((done) =>
      blocker.listen({ port: env.COGNITO_PORT, host: "127.0.0.1" }, () => done()),
    );
    try {
      const { child, output } = startCli(env);
      expect(await exitOf(child)).toBe(1);
      expect(output().trim()).toBe(
        `npm start: Port ${env.COGNITO_PORT} is already in use: stop what uses it (another npm start?) or set COGNITO_PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("says in one line that Java 17+ is needed when there is no java, and exits 1", async () => {
    const env = await ports();
    // A PATH with node and nothing else: no java.
    const bin = mkdtempSync(join(tmpdir(), "enrollment-nojava-"));
    dirs.push(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    expect(spawnSync("java", ["-version"], { env: { PATH: bin } }).error).toBeDefined();
    const { child, output } = startCli(env, { PATH: bin });
    expect(await exitOf(child)).toBe(1);
    const lines = output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm start: Java 17\+ is needed .* install it/);
  });
});
