import { describe, expect, it } from "vitest";
import type { RouteDefinition } from "../../lambdas/definitions/routes";
import { checkEnrollmentRoutes } from "../../lib/api/enrollment-paths";
import { methodSettingsKey, resourcePaths } from "../../lib/api/route-tree";

const route = (method: RouteDefinition["method"], path: string, extra: Partial<RouteDefinition> = {}) =>
  ({ method, path, function: "health", auth: false, ...extra }) as RouteDefinition;

describe("resourcePaths", () => {
  it("lists the root and every ancestor once, parents first, marking variable children", () => {
    const paths = resourcePaths([
      route("GET", "/v1/me/bills/{billId}"),
      route("GET", "/v1/me/bills"),
      route("GET", "/v1/health"),
    ]);
    expect(paths).toEqual([
      { path: "/", hasVariableChild: false },
      { path: "/v1", hasVariableChild: false },
      { path: "/v1/health", hasVariableChild: false },
      { path: "/v1/me", hasVariableChild: false },
      { path: "/v1/me/bills", hasVariableChild: true },
      { path: "/v1/me/bills/{billId}", hasVariableChild: false },
    ]);
  });

  it("refuses two different path variables under one resource", () => {
    expect(() => resourcePaths([route("GET", "/v1/x/{a}"), route("GET", "/v1/x/{b}")])).toThrow(
      "/v1/x has two path variables",
    );
  });

  it("keys method settings by path and method", () => {
    expect(methodSettingsKey(route("POST", "/v1/enrollments"))).toBe("/v1/enrollments/POST");
  });
});

describe("checkEnrollmentRoutes", () => {
  it("accepts enrollment throttling under the WAF prefix only", () => {
    expect(() =>
      checkEnrollmentRoutes([route("POST", "/v1/enrollments", { throttled: "enrollment" })]),
    ).not.toThrow();
    expect(() => checkEnrollmentRoutes([route("POST", "/v1/me", { throttled: "enrollment" })])).toThrow(
      "outside /v1/enrollment*",
    );
  });
});
