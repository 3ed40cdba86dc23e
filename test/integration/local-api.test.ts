import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errors } from "../../lambdas/definitions/error-codes";
import { startLocalApi } from "../support/local-api";

let api: { url: string; close(): Promise<void> };
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

const webOrigin = "http://localhost:5173";

describe("local API adapter with the real handlers", () => {
  it("answers GET /v1/health with 200 ok and the contract's headers", async () => {
    const res = await fetch(`${api.url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("gives the web origin CORS on every response and no other origin", async () => {
    const allowed = await fetch(`${api.url}/v1/health`, { headers: { Origin: webOrigin } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(webOrigin);
    const other = await fetch(`${api.url}/v1/health`, { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight with 204, the route's methods and the contract's headers", async () => {
    const res = await fetch(`${api.url}/v1/health`, {
      method: "OPTIONS",
      headers: { Origin: webOrigin, "Access-Control-Request-Method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(webOrigin);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toBe(
      "Authorization, Content-Type, Accept-Language",
    );
    const other = await fetch(`${api.url}/v1/health`, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("answers an unknown route with a JSON 404, in English when preferred", async () => {
    const res = await fetch(`${api.url}/v1/nothing-here`, {
      headers: { "Accept-Language": "en-CA,en;q=0.9" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "Resource not found." } });
  });

  it("answers a wrong method with a JSON 405 and Allow", async () => {
    const res = await fetch(`${api.url}/v1/health`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(body.error.message).toMatch(/Méthode/);
  });

  it("refuses a body larger than API Gateway would accept with a JSON 413, never a crash", async () => {
    const res = await fetch(`${api.url}/v1/health`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "x".repeat(10 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: errors.PAYLOAD_TOO_LARGE.fr },
    });
  });

  it("answers 17 KiB and 2 MB with the same 413, in French, in English when asked", async () => {
    const post = async (size: number, headers: Record<string, string> = {}) => {
      const res = await fetch(`${api.url}/v1/enrollments`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ password: "x".repeat(size) }),
      });
      return { status: res.status, body: await res.text() };
    };
    const small = await post(17 * 1024);
    expect(small.status).toBe(413);
    expect(JSON.parse(small.body).error.message).toBe(errors.PAYLOAD_TOO_LARGE.fr);
    expect(await post(2 * 1024 * 1024)).toEqual(small);
    const english = await post(2 * 1024 * 1024, { "Accept-Language": "en-CA,en;q=0.9" });
    expect(JSON.parse(english.body).error.message).toBe(errors.PAYLOAD_TOO_LARGE.en);
    expect(await post(17 * 1024, { "Accept-Language": "en-CA,en;q=0.9" })).toEqual(english);
  });
});
