import { describe, expect, it } from "vitest";
import { portsFromEnv, SettingsError } from "../../local/settings";

describe("local port settings", () => {
  it("uses the contract's defaults", () => {
    expect(portsFromEnv({})).toEqual({ api: 3000, dynamodb: 8000, cognito: 9229, ses: 8005, web: 5173 });
  });

  it("takes each port from its variable", () => {
    expect(
      portsFromEnv({
        PORT: "3100",
        DYNAMODB_PORT: "8100",
        COGNITO_PORT: "9300",
        SES_PORT: "8105",
        WEB_PORT: "5200",
      }),
    ).toEqual({
      api: 3100,
      dynamodb: 8100,
      cognito: 9300,
      ses: 8105,
      web: 5200,
    });
  });

  it("names the variable whose value is not a port", () => {
    expect(() => portsFromEnv({ SES_PORT: "eighty" })).toThrow(
      new SettingsError("SES_PORT=eighty is not a port number (1-65535)."),
    );
    expect(() => portsFromEnv({ PORT: "70000" })).toThrow(SettingsError);
  });
});
