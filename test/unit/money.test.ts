import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCents, parseCents } from "../../lambdas/domain/money";

describe("parseCents", () => {
  it.each<[string | number, number]>([
    ["84.37", 8437],
    ["84,37", 8437],
    [84.37, 8437],
    ["84", 8400],
    [84, 8400],
    ["84.3", 8430],
    ["0.05", 5],
    [" 84.37 ", 8437],
    ["0", 0],
  ])("reads %j as %i cents", (typed, cents) => {
    expect(parseCents(typed)).toBe(cents);
  });

  it.each<[string, string | number]>([
    ["three decimals", "84.373"],
    ["a thousands separator", "1,234.56"],
    ["an exponent", "1e3"],
    ["an empty string", ""],
    ["letters", "abc"],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a number with three decimals", 84.373],
    ["a trailing separator", "84."],
    ["a negative amount where none is allowed", "-12.50"],
    ["a negative number where none is allowed", -12.5],
  ])("refuses %s (%j)", (_why, typed) => {
    expect(parseCents(typed)).toBeNull();
  });

  it("reads negative amounts when they are allowed", () => {
    expect(parseCents("-12.50", { allowNegative: true })).toBe(-1250);
    expect(parseCents("-12,5", { allowNegative: true })).toBe(-1250);
    expect(parseCents(-12.5, { allowNegative: true })).toBe(-1250);
  });
});

describe("formatCents", () => {
  it.each([
    [8437, "84.37"],
    [5, "0.05"],
    [-1250, "-12.50"],
    [0, "0.00"],
    [100, "1.00"],
    [-5, "-0.05"],
  ])("writes %i cents as %j", (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it("round-trips through parseCents for any amount up to a billion dollars", () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }), (cents) => {
        expect(parseCents(formatCents(cents), { allowNegative: true })).toBe(cents);
      }),
    );
  });
});
