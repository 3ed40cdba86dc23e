import { describe, expect, it } from "vitest";
import { decodePepper } from "../../lambdas/adapters/pepper";

describe("decodePepper", () => {
  it("refuses a pepper shorter than 32 characters", () => {
    expect(() => decodePepper("x".repeat(31))).toThrow(/at least 32 characters/);
    expect(() => decodePepper("")).toThrow(/too short/);
  });

  it("accepts 32 characters and gives their bytes", () => {
    const value = "0123456789abcdef0123456789abcdef";
    expect(decodePepper(value)).toEqual(new TextEncoder().encode(value));
  });
});
