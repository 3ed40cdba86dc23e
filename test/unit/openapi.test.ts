import { readFileSync } from "node:fs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { errors } from "../../lambdas/definitions/error-codes";
import {
  buildOpenApiDocument,
  type OpenApiOperation,
  openApiJson,
  operationDocs,
  operationTags,
} from "../../lambdas/definitions/openapi";
import { apiFunctions, matchRoute, routes } from "../../lambdas/definitions/routes";
import { errorResponse } from "../../lambdas/definitions/schemas";
import { handler } from "../../lambdas/handlers/openapi";

const committedPath = new URL("../../openapi.json", import.meta.url);
const document = buildOpenApiDocument();

function operation(method: string, path: string): OpenApiOperation {
  const op = document.paths[path]?.[method.toLowerCase() as "get"];
  if (op === undefined) throw new Error(`no ${method} ${path} in the document`);
  return op;
}

/** The value at a local JSON pointer ("#/components/schemas/MeResponse"), or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  let value = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") out.push(child);
      else collectRefs(child, out);
    }
  }
  return out;
}

describe("OpenAPI document", () => {
  it("is committed up to date in openapi.json", () => {
    const committed = readFileSync(committedPath, "utf8");
    expect(
      committed === openApiJson(document),
      "openapi.json is stale or missing: run `npm run openapi` and commit the result",
    ).toBe(true);
  });

  it("is deterministic", () => {
    expect(openApiJson(buildOpenApiDocument())).toBe(openApiJson(document));
  });

  it("has every route of the route table with its method, and nothing else", () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routes) {
      // A function serving several routes names each operation itself.
      const entry = operationDocs[route.function];
      const doc =
        entry && "perRoute" in entry
          ? entry.perRoute[`${route.method} ${route.path}` as keyof typeof entry.perRoute]
          : entry;
      expect(operation(route.method, route.path).operationId).toBe(doc?.operationId ?? route.function);
    }
  });

  it("lists only error codes of error-codes.ts, each under its own status", () => {
    for (const [name, entry] of Object.entries(operationDocs)) {
      const docs = entry && "perRoute" in entry ? Object.values(entry.perRoute) : [entry];
      for (const doc of docs) {
        expect(apiFunctions).toHaveProperty(name);
        for (const code of doc?.errors ?? []) expect(errors, `${name}: ${code}`).toHaveProperty(code);
      }
    }
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const content = response.content?.["application/json"];
          if (!content || Number(status) < 400) continue;
          const codes = Object.keys(content.examples ?? {});
          expect(codes.length).toBeGreaterThan(0);
          for (const code of codes) {
            expect(errors[code as keyof typeof errors]?.status, `${op.operationId} ${code}`).toBe(
              Number(status),
            );
            const example = content.examples?.[code] as { value: unknown };
            expect(errorResponse.safeParse(example.value).success).toBe(true);
          }
          // The whole error shape with `code` narrowed, in one schema: no allOf whose branches each
          // describe part of `error` (strict readers take each branch to forbid the other's fields).
          expect(content.schema).not.toHaveProperty("allOf");
          expect(content.schema).toMatchObject({
            additionalProperties: false,
            properties: {
              error: {
                additionalProperties: false,
                required: ["code", "message"],
                properties: { code: { type: "string", enum: codes }, message: {}, fields: {} },
              },
            },
          });
        }
      }
    }
  });

  it("answers the statuses of the contract, with Retry-After where the contract has it", () => {
    const statuses = (method: string, path: string) => Object.keys(operation(method, path).responses);
    // Every operation has API Gateway's 429 TOO_MANY_REQUESTS (the stage's throttling, on AWS).
    expect(statuses("GET", "/v1/health")).toEqual(["200", "429"]);
    expect(statuses("GET", "/v1/openapi.json")).toEqual(["200", "429"]);
    expect(statuses("POST", "/v1/enrollment/verifications")).toEqual([
      "200",
      "202",
      "400",
      "403",
      "409",
      "413",
      "415",
      "429",
    ]);
    // Step-up (contract §4 v2): the challenge's code; a wrong one is the same 403 as a failed verification.
    expect(statuses("POST", "/v1/enrollment/verifications/{challengeId}/code")).toEqual([
      "200",
      "400",
      "403",
      "409",
      "413",
      "415",
      "429",
    ]);
    expect(statuses("POST", "/v1/enrollments")).toEqual([
      "201",
      "400",
      "401",
      "409",
      "413",
      "415",
      "429",
      "503",
    ]);
    expect(statuses("POST", "/v1/enrollments/confirmation")).toEqual([
      "200",
      "400",
      "401",
      "413",
      "415",
      "429",
      "503",
    ]);

    expect(statuses("GET", "/v1/me")).toEqual(["200", "401", "403", "429"]);
    expect(statuses("PATCH", "/v1/me")).toEqual(["200", "400", "401", "403", "413", "415", "429"]);
    expect(statuses("GET", "/v1/me/bills")).toEqual(["200", "400", "401", "403", "429"]);
    expect(statuses("GET", "/v1/me/bills/{billId}")).toEqual(["200", "401", "403", "404", "429"]);
    expect(statuses("GET", "/v1/me/contract")).toEqual(["200", "401", "403", "404", "429"]);

    // The lockout's 429 always has Retry-After; API Gateway's throttling 429 has none.
    const verifications = operation("POST", "/v1/enrollment/verifications").responses;
    expect(verifications["429"]?.headers?.["Retry-After"]).toMatchObject({
      required: false,
      description: expect.stringContaining("always present with TOO_MANY_ATTEMPTS"),
    });
    expect(operation("GET", "/v1/health").responses["429"]?.headers).toBeUndefined();
    expect(verifications["403"]?.headers).toBeUndefined();
    const enrollments = operation("POST", "/v1/enrollments").responses;
    expect(enrollments["503"]?.headers?.["Retry-After"]).toEqual({ $ref: "#/components/headers/RetryAfter" });
    expect(JSON.stringify(enrollments["409"]?.content?.["application/json"]?.schema)).toContain(
      JSON.stringify(["ALREADY_ENROLLED", "ENROLLMENT_IN_PROGRESS"]),
    );
    // An address in use is not revealed (contract §4, v2): no such code; the e-mail cap's 429 instead.
    expect(JSON.stringify(document)).not.toContain("EMAIL_IN_USE");
    expect(JSON.stringify(enrollments["429"]?.content?.["application/json"]?.schema)).toContain(
      JSON.stringify(["TOO_MANY_ENROLLMENTS", "TOO_MANY_REQUESTS"]),
    );
    expect(enrollments["429"]?.headers?.["Retry-After"]).toMatchObject({
      required: false,
      description: expect.stringContaining("always present with TOO_MANY_ENROLLMENTS"),
    });
  });

  it("documents bodies, Accept-Language and security per route", () => {
    for (const route of routes) {
      const op = operation(route.method, route.path);
      expect(op.parameters).toContainEqual({ $ref: "#/components/parameters/AcceptLanguage" });
      expect(op.security).toEqual(route.auth ? [{ cognito: [] }] : []);
    }
    expect(operation("PATCH", "/v1/me").requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/MeUpdateRequest" } } },
    });
    expect(operation("POST", "/v1/enrollments").requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/EnrollmentRequest" } } },
    });
    expect(operation("GET", "/v1/health").requestBody).toBeUndefined();

    // The bills' cursor: the query parameter the handler parses, its 400 naming it, `next` in the page.
    const bills = operation("GET", "/v1/me/bills");
    expect(bills.parameters[0]).toMatchObject({
      name: "next",
      in: "query",
      required: false,
      schema: { type: "string", pattern: "^[A-Za-z0-9_-]+$" },
    });
    expect(JSON.stringify(bills.responses["400"]?.content)).toContain('"field":"next"');
    expect(document.components.schemas.BillsResponse).toMatchObject({ required: ["bills", "next"] });

    // A signed-in route: the bearer scheme and the authorizer's 401 and 403.
    const withAuth = buildOpenApiDocument([
      { method: "GET", path: "/v1/me/bills/{billId}", function: "health", auth: true },
    ]);
    const op = withAuth.paths["/v1/me/bills/{billId}"]?.get;
    expect(op?.security).toEqual([{ cognito: [] }]);
    expect(Object.keys(op?.responses ?? {})).toEqual(["200", "401", "403", "429"]);
    expect(op?.parameters[0]).toEqual({
      name: "billId",
      in: "path",
      required: true,
      schema: { type: "string" },
    });
    expect(withAuth.components.securitySchemes.cognito).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("describes every operation and puts it under one declared tag; says who runs it and its licence", () => {
    const declared = document.tags.map((tag) => tag.name);
    expect(declared).toEqual(Object.values(operationTags).map((tag) => tag.name));
    for (const tag of document.tags) expect(tag.description).not.toBe("");
    const used = new Set<string>();
    for (const route of routes) {
      const op = operation(route.method, route.path);
      expect(op.tags).toHaveLength(1);
      expect(declared).toContain(op.tags[0]);
      used.add(op.tags[0] as string);
      expect(op.description, op.operationId).not.toBe("");
    }
    // A declared tag with no operation would be an empty section of the rendered document.
    expect([...used].sort()).toEqual([...declared].sort());
    expect(operation("GET", "/v1/me").tags).toEqual([operationTags.account.name]);
    expect(document.info.contact.name).not.toBe("");
    expect(document.info.license).toMatchObject({ identifier: "LicenseRef-Proprietary" });
  });

  it("refuses to build with a route whose function is undocumented", () => {
    expect(() =>
      buildOpenApiDocument([
        ...routes,
        { method: "GET", path: "/v1/undocumented", function: "fallback", auth: false },
      ]),
    ).toThrow(/"fallback", which has no entry in operationDocs/);
  });

  it("converts the request schemas as input (before transforms), the discriminated union with its mapping", () => {
    const { schemas } = document.components;
    expect(schemas.VerificationRequest).toEqual({
      oneOf: [
        { $ref: "#/components/schemas/BillVerification" },
        { $ref: "#/components/schemas/AccountVerification" },
      ],
      discriminator: {
        propertyName: "method",
        mapping: {
          bill: "#/components/schemas/BillVerification",
          account: "#/components/schemas/AccountVerification",
        },
      },
    });
    const account = schemas.AccountVerification as { properties: Record<string, unknown> };
    expect(account.properties.lastDebitAmount).toMatchObject({
      anyOf: [{ type: "number" }, { type: "string", maxLength: 20 }],
      examples: ["84.37"],
    });
    expect(account.properties.phone).toMatchObject({ type: "string", maxLength: 40 });
  });

  it("is structurally valid OpenAPI 3.1", () => {
    const doc = JSON.parse(openApiJson(document)) as typeof document;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Online services enrollment API", version: "1" });
    expect(doc.servers).toEqual([{ url: "/" }]);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(0);

    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith("/")).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(["get", "put", "post", "delete", "options", "head", "patch", "trace"]).toContain(method);
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        const responses = Object.entries(op.responses);
        expect(responses.length).toBeGreaterThan(0);
        for (const [status, response] of responses) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description).toBe("string");
        }
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
        expect(declared).toEqual(templated);
      }
    }
    for (const schema of Object.values(doc.components.schemas)) {
      expect(schema).not.toHaveProperty("$schema");
      expect(schema).not.toHaveProperty("$id");
    }

    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith("#/"), ref).toBe(true);
      expect(resolvePointer(doc, ref), `${ref} does not resolve`).toBeDefined();
    }
  });
});

describe("GET /v1/openapi.json", () => {
  it("is routed to the openapi function, without sign-in", () => {
    expect(matchRoute("GET", "/v1/openapi.json")?.route).toMatchObject({ function: "openapi", auth: false });
  });

  it("answers 200 with the committed document", async () => {
    const event: APIGatewayProxyEvent = {
      resource: "/v1/openapi.json",
      path: "/v1/openapi.json",
      httpMethod: "GET",
      headers: { Accept: "application/json" },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {} as APIGatewayProxyEvent["requestContext"],
    };
    const context = { awsRequestId: "test", getRemainingTimeInMillis: () => 5000 } as unknown as Context;
    const res = (await handler(event, context)) as APIGatewayProxyResult;
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual(JSON.parse(readFileSync(committedPath, "utf8")));
  });
});
