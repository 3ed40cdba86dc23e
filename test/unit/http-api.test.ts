import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { metrics } from "../../lambdas/adapters/observability";
import * as codes from "../../lambdas/definitions/error-codes";
import { ApiError } from "../../lambdas/domain/api-error";
import { httpApi } from "../../lambdas/middleware/http-api";

const config = { webOrigin: "https://www.example.ca", supportPhone: "1 800 567-6353" };

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: "/v1/test",
    path: "/v1/test",
    httpMethod: "POST",
    headers: { "Content-Type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
    ...overrides,
  };
}

const context = { awsRequestId: "test", getRemainingTimeInMillis: () => 5000 } as unknown as Context;
const schema = z.strictObject({
  postalCode: z.string().regex(/^[A-Z]\d[A-Z]\d[A-Z]\d$/),
  count: z.number().optional(),
});
const echo = httpApi({ body: schema, config }, async ({ body, language }) => ({
  statusCode: 200,
  body: { body, language },
}));

async function call(
  e: APIGatewayProxyEvent,
): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> {
  const res = (await echo(e, context)) as APIGatewayProxyResult;
  return {
    status: res.statusCode,
    json: res.body ? JSON.parse(res.body) : undefined,
    headers: res.headers ?? {},
  };
}

describe("httpApi", () => {
  it("passes a valid body to the route and answers with the security headers", async () => {
    const res = await call(event({ body: JSON.stringify({ postalCode: "J4K1A1" }) }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ body: { postalCode: "J4K1A1" }, language: "fr" });
    expect(res.headers["Cache-Control"]).toBe("no-store");
    expect(res.headers["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("refuses malformed JSON with 400 MALFORMED_JSON, in English when asked", async () => {
    const res = await call(
      event({ body: "{not json", headers: { "content-type": "application/json", "Accept-Language": "en" } }),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { code: "MALFORMED_JSON", message: "The request body is not valid JSON." },
    });
  });

  it("refuses a non-JSON content type with 415", async () => {
    const res = await call(
      event({ body: "a=b", headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
    );
    expect(res.status).toBe(415);
    expect((res.json as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("accepts a JSON content type with a charset", async () => {
    const res = await call(
      event({
        body: '{"postalCode":"J4K1A1"}',
        headers: { "content-type": "Application/JSON; charset=utf-8" },
      }),
    );
    expect(res.status).toBe(200);
  });

  it("refuses a body over 16 KiB with 413", async () => {
    const res = await call(event({ body: JSON.stringify({ postalCode: "x".repeat(17 * 1024) }) }));
    expect(res.status).toBe(413);
    expect((res.json as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("lists each invalid, missing, mistyped or unknown field", async () => {
    const res = await call(event({ body: JSON.stringify({ postalCode: "nope", count: "3", extra: 1 }) }));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: "VALIDATION_FAILED",
        message: "Certains champs sont invalides.",
        fields: expect.arrayContaining([
          { field: "postalCode", code: "INVALID_FORMAT" },
          { field: "count", code: "INVALID_TYPE" },
          { field: "extra", code: "UNKNOWN_FIELD" },
        ]),
      },
    });
    const missing = await call(event({ body: "{}" }));
    expect((missing.json as { error: { fields: unknown } }).error.fields).toEqual([
      { field: "postalCode", code: "REQUIRED" },
    ]);
  });

  it("reports a missing field as REQUIRED, a missing discriminator of a union too", async () => {
    const union = z.discriminatedUnion("method", [
      z.strictObject({
        method: z.literal("bill"),
        accessCode: z.string().regex(/^\d{5}$/, "INVALID_FORMAT"),
      }),
      z.strictObject({ method: z.literal("account"), phone: z.string() }),
    ]);
    const route = httpApi({ body: union, config }, async () => ({ statusCode: 200 }));
    const fields = async (body: unknown) => {
      const res = (await route(event({ body: JSON.stringify(body) }), context)) as APIGatewayProxyResult;
      expect(res.statusCode).toBe(400);
      return JSON.parse(res.body).error.fields;
    };
    expect(await fields({})).toEqual([{ field: "method", code: "REQUIRED" }]);
    expect(await fields({ method: "bill" })).toEqual([{ field: "accessCode", code: "REQUIRED" }]);
    expect(await fields({ method: "card" })).toEqual([{ field: "method", code: "INVALID_FORMAT" }]);
    expect(await fields({ method: "bill", accessCode: "1" })).toEqual([
      { field: "accessCode", code: "INVALID_FORMAT" },
    ]);
  });

  it("sends CORS headers to the stage's web origin only", async () => {
    const body = JSON.stringify({ postalCode: "J4K1A1" });
    const ok = await call(
      event({ body, headers: { "content-type": "application/json", origin: config.webOrigin } }),
    );
    expect(ok.headers["Access-Control-Allow-Origin"]).toBe(config.webOrigin);
    const other = await call(
      event({ body, headers: { "content-type": "application/json", origin: "https://evil.example" } }),
    );
    expect(other.headers["Access-Control-Allow-Origin"]).toBeUndefined();
  });

  it("lets the web origin read Retry-After on every response, and gives another origin no Access-Control-*", async () => {
    const locked = httpApi({ config }, async () => {
      throw new ApiError(codes.TOO_MANY_ATTEMPTS, { headers: { "Retry-After": "900" } });
    });
    const busy = httpApi({ config }, async () => {
      throw new ApiError(codes.ENROLLMENT_IN_PROGRESS, { headers: { "Retry-After": "2" } });
    });
    const ok = httpApi({ config }, async () => ({ statusCode: 200, body: {} }));
    for (const handler of [locked, busy, ok]) {
      const web = (await handler(
        event({ headers: { origin: config.webOrigin } }),
        context,
      )) as APIGatewayProxyResult;
      expect(web.headers?.["Access-Control-Allow-Origin"]).toBe(config.webOrigin);
      expect(web.headers?.["Access-Control-Expose-Headers"]).toBe("Retry-After");
      for (const headers of [{ origin: "https://evil.example" }, {}]) {
        const other = (await handler(event({ headers }), context)) as APIGatewayProxyResult;
        expect(Object.keys(other.headers ?? {}).filter((name) => name.startsWith("Access-Control-"))).toEqual(
          [],
        );
      }
    }
  });

  it("shapes a thrown ApiError, with its extra headers", async () => {
    const limited = httpApi({ config }, async () => {
      throw new ApiError(codes.TOO_MANY_REQUESTS, { headers: { "Retry-After": "60" } });
    });
    const res = (await limited(event(), context)) as APIGatewayProxyResult;
    expect(res.statusCode).toBe(429);
    expect(res.headers?.["Retry-After"]).toBe("60");
    expect(JSON.parse(res.body).error.code).toBe("TOO_MANY_REQUESTS");
  });

  it("answers an unexpected failure with a generic 500 that carries no stack or message", async () => {
    const broken = httpApi({ config }, async () => {
      throw new Error("secret detail at /var/task/index.mjs:1");
    });
    const res = (await broken(event(), context)) as APIGatewayProxyResult;
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("secret detail");
    expect(res.body).not.toContain("index.mjs");
    expect(JSON.parse(res.body).error.code).toBe("INTERNAL_ERROR");
  });
});

describe("metrics of an invocation", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Everything the process writes while `fn` runs. */
  async function output(fn: () => Promise<unknown>): Promise<string> {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    await fn();
    vi.restoreAllMocks();
    return written.join("");
  }

  it("an invocation that records no metric publishes nothing and warns nothing", async () => {
    const quiet = httpApi({ config }, async () => ({ statusCode: 200, body: {} }));
    const failing = httpApi({ config }, async () => {
      throw new ApiError(codes.NOT_FOUND);
    });
    const written = await output(async () => {
      await quiet(event(), context);
      await failing(event(), context);
    });
    expect(written).not.toContain("No application metrics");
    expect(written).toBe("");
  });

  it("what an invocation records is flushed when it ends, so the next one starts empty", async () => {
    const counting = httpApi({ config }, async () => {
      metrics.addMetric("Counted", MetricUnit.Count, 1);
      return { statusCode: 200, body: {} };
    });
    await counting(event(), context);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
