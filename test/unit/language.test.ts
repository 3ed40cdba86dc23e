import { describe, expect, it } from "vitest";
import { preferredLanguage } from "../../lambdas/domain/language";

describe("preferredLanguage", () => {
  it.each([
    [undefined, "fr"],
    ["", "fr"],
    ["fr-CA", "fr"],
    ["en-CA", "en"],
    ["en-US,en;q=0.9", "en"],
    ["fr-CA,fr;q=0.9,en;q=0.8", "fr"],
    ["en;q=0.5,fr;q=0.8", "fr"],
    ["fr;q=0.2,en;q=0.9", "en"],
    ["de-DE", "fr"],
    ["de-DE,en;q=0.3", "en"],
    ["en;q=0", "fr"],
    ["en;q=abc", "fr"],
  ] as const)("%s → %s", (header, expected) => {
    expect(preferredLanguage(header)).toBe(expected);
  });
});
