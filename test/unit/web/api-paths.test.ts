import { describe, expect, it } from "vitest";
import { routes } from "../../../lambdas/definitions/routes";
import { apiPath } from "../../../web/src/api-paths";
import { cognitoOrigin, type WebConfig } from "../../../web/src/config";

describe("the website's API paths", () => {
  it("come from the route table, with their parameters encoded", () => {
    expect(apiPath("verifications", "POST")).toBe("/v1/enrollment/verifications");
    expect(apiPath("verifications", "POST", { challengeId: "a/b c" })).toBe(
      "/v1/enrollment/verifications/a%2Fb%20c/code",
    );
    expect(apiPath("meBills", "GET", { billId: "B-1" })).toBe("/v1/me/bills/B-1");
    // The sign-out is the one POST of the `me` function.
    expect(routes.some((r) => r.path === apiPath("me", "POST") && r.method === "POST")).toBe(true);
  });

  it("refuse a route the table does not have, rather than guess one", () => {
    expect(() => apiPath("meContract", "DELETE")).toThrow(/no single route/);
    expect(() => apiPath("meBills", "GET", { cursor: "x" })).toThrow(/no single route/);
  });
});

describe("the Cognito origin of the page's CSP", () => {
  const config = (endpoint?: string): WebConfig => ({
    apiUrl: "https://api.example",
    supportPhone: "1 800 567-6353",
    cognito: {
      userPoolId: "ca-central-1_AbC",
      clientId: "c",
      authFlow: "USER_SRP_AUTH",
      ...(endpoint ? { endpoint } : {}),
    },
  });

  it("is the emulator's when one is configured, else the pool's region's", () => {
    expect(cognitoOrigin(config("http://localhost:9229/"))).toBe("http://localhost:9229");
    expect(cognitoOrigin(config())).toBe("https://cognito-idp.ca-central-1.amazonaws.com");
  });
});
