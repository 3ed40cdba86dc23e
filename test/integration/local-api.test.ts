import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
