import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalizeAccessCode,
  normalizeCustomerNumber,
  normalizePhone,
  normalizePostalCode,
} from "../../lambdas/domain/normalize";

describe("normalizePhone", () => {
  it.each([
    "(514) 555-1234",
    "514.555.1234",
    "514-555-1234",
    "+1 514 555 1234",
    "1-514-555-1234",
    "15145551234",
    " 5145551234 ",
  ])("accepts %j as the 10 digits 5145551234", (typed) => {
    expect(normalizePhone(typed)).toBe("5145551234");
  });

  it.each([
    ["9 digits", "514555123"],
    ["letters", "514555ABCD"],
    ["a country code other than +1", "+2 514 555 1234"],
    ["11 digits not starting with 1", "25145551234"],
    ["12 digits", "514555123456"],
    ["empty", ""],
  ])("refuses %s (%j)", (_why, typed) => {
    expect(normalizePhone(typed)).toBeNull();
  });

  it("gives back the 10 digits whatever tolerated decorations surround them", () => {
    const separator = fc.constantFrom("", " ", "-", ".", "(", ")", "  ", " - ");
    const prefix = fc.constantFrom("", "+1", "1", "+1 ", "1-", "1 ", "+1-");
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 10, maxLength: 10 }),
        fc.array(separator, { minLength: 11, maxLength: 11 }),
        prefix,
        (digits, separators, before) => {
          const decorated =
            before + [...digits].map((d, i) => `${separators[i]}${d}`).join("") + separators[10];
          expect(normalizePhone(decorated)).toBe(digits);
        },
      ),
    );
  });
});

describe("normalizePostalCode", () => {
  it.each(["h2x 1y4", "H2X-1Y4", "h2x1y4", "H2X1Y4", " H2X 1Y4 "])("accepts %j as H2X1Y4", (typed) => {
    expect(normalizePostalCode(typed)).toBe("H2X1Y4");
  });

  it.each([
    ["two spaces in the middle", "H2X  1Y4"],
    ["the letter D, never used", "D2X1Y4"],
    ["the letter O, never used", "H2O1Y4"],
    ["W first, never used first", "W1A1A1"],
    ["Z first, never used first", "Z1A1A1"],
    ["a ZIP code", "12345"],
    ["a missing character", "H2X1Y"],
    ["a separator elsewhere", "H2-X1Y4"],
  ])("refuses %s (%j)", (_why, typed) => {
    expect(normalizePostalCode(typed)).toBeNull();
  });

  it("accepts W and Z after the first position", () => {
    expect(normalizePostalCode("k1w 1z4")).toBe("K1W1Z4");
  });
});

describe("normalizeCustomerNumber", () => {
  it("accepts 7 digits and trims the spaces around them", () => {
    expect(normalizeCustomerNumber("1234567")).toBe("1234567");
    expect(normalizeCustomerNumber("  1234567 ")).toBe("1234567");
  });

  it.each([
    ["6 digits", "123456"],
    ["8 digits", "12345678"],
    ["letters", "12345A7"],
    ["a space inside", "123 4567"],
  ])("refuses %s (%j)", (_why, typed) => {
    expect(normalizeCustomerNumber(typed)).toBeNull();
  });
});

describe("normalizeAccessCode", () => {
  it("accepts 5 digits, trimmed", () => {
    expect(normalizeAccessCode("90817")).toBe("90817");
    expect(normalizeAccessCode(" 90817 ")).toBe("90817");
  });

  it.each(["9081", "908177", "9O817", ""])("refuses %j", (typed) => {
    expect(normalizeAccessCode(typed)).toBeNull();
  });
});
