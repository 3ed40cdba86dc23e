import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { bundling } from "../../lambdas/definitions/bundling";
import { apiFunctions } from "../../lambdas/definitions/routes";
import { buildApp } from "../../lib/app";
import { noticeFunctions } from "../../lib/constructs/notice-pipeline";
import { testApp } from "./infra-app";

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The one test that really bundles: esbuild from node_modules, no Docker. */
describe("function bundling (dev)", () => {
  const { app, outdir, dispose } = testApp({ bundle: true });
  afterAll(dispose);

  it("bundles every function with the local esbuild into an ESM file with its source map", async () => {
    buildApp("dev", app);
    app.synth();
    const bundles = readdirSync(outdir)
      .filter((name) => name.startsWith("asset."))
      .map((name) => join(outdir, name, "index.mjs"))
      .filter((file) => existsSync(file));
    // Every API function, the authorizer of the signed-in routes, the notice pipeline's functions,
    // the step-up code sender and the enrollment sweeper.
    expect(bundles).toHaveLength(
      Object.keys(apiFunctions).length + 1 + Object.keys(noticeFunctions).length + 1 + 1,
    );
    for (const file of bundles) {
      expect(readFileSync(file, "utf8").startsWith(bundling.banner)).toBe(true);
      expect(existsSync(`${file}.map`)).toBe(true);
    }

    // The bundle runs as Lambda would load it: an ES module exporting `handler`.
    const health = bundles.find((file) => readFileSync(file, "utf8").includes('status:"ok"'));
    expect(health).toBeDefined();
    const { handler } = (await import(pathToFileURL(health as string).href)) as { handler: Handler };
    const event = { httpMethod: "GET", path: "/v1/health", headers: {}, body: null } as APIGatewayProxyEvent;
    const result = await handler(event, {} as Context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: "ok" });
  });
});
