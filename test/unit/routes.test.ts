import { describe, expect, it } from "vitest";
import {
  apiFunctions,
  matchRoute,
  methodsForPath,
  resourceForPath,
  routes,
} from "../../lambdas/definitions/routes";

describe("route table", () => {
  it("matches a known route with its method", () => {
    expect(matchRoute("GET", "/v1/health")?.route.function).toBe("health");
    expect(matchRoute("POST", "/v1/health")).toBeNull();
    expect(matchRoute("GET", "/v1/health/extra")).toBeNull();
  });

  it("knows the resource of a path whatever the method, for 405 versus 404", () => {
    expect(resourceForPath("/v1/health")).toBe("/v1/health");
    expect(resourceForPath("/v1/healthz")).toBeNull();
    expect(methodsForPath("/v1/health")).toEqual(["GET"]);
  });

  it("names only functions that exist, with one route per method and path", () => {
    const seen = new Set<string>();
    for (const route of routes) {
      expect(apiFunctions[route.function]).toBeDefined();
      const key = `${route.method} ${route.path}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });
});
