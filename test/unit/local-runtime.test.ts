import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../lambdas/adapters/observability";
import { httpApi } from "../../lambdas/middleware/http-api";
import { invoke, lambdaContext } from "../../local/lambda-runtime";

/**
 * Locally every function runs in one process, several invocations at once, with the one logger of
 * the process: each line must still carry the function name and request id of its own invocation.
 */
const config = { webOrigin: "http://localhost:5173", supportPhone: "1 800 567-6353" };
const event = (path: string) =>
  ({ path, httpMethod: "GET", headers: {}, requestContext: {} }) as unknown as APIGatewayProxyEvent;

let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** A route that logs once before and once after waiting, so that invocations interleave. */
const route = httpApi({ config }, async ({ event: e }) => {
  // The unit tests' logger is SILENT, and a warm invocation starts at that level: this one's only.
  logger.setLogLevel("INFO");
  logger.info("before", { path: e.path });
  await new Promise((done) => setTimeout(done, 20));
  logger.info("after", { path: e.path });
  return { statusCode: 200, body: {} };
});

describe("the local Lambda runtime", () => {
  it("keeps each of several concurrent invocations' log lines to their own function and request id", async () => {
    const contexts: [string, Context][] = [
      ["/a", lambdaContext("me", "request-a")],
      ["/b", lambdaContext("meBills", "request-b")],
      ["/c", lambdaContext("authorizer", "request-c")],
    ];
    await Promise.all(contexts.map(([path, context]) => invoke(route, event(path), context)));
    expect(lines).toHaveLength(6);
    for (const [path, context] of contexts) {
      const own = lines.filter((line) => line.path === path);
      expect(own.map((line) => line.message)).toEqual(["before", "after"]);
      for (const line of own) {
        expect(line).toMatchObject({
          function_name: context.functionName,
          function_request_id: context.awsRequestId,
        });
      }
    }
  });

  it("gives each invocation a request id of its own unless told one", () => {
    const one = lambdaContext("authorizer");
    const two = lambdaContext("authorizer");
    expect(one.functionName).toBe("local-authorizer");
    expect(one.awsRequestId).not.toBe(two.awsRequestId);
  });
});
