import { describe, expect, it } from "vitest";
import { addDays, dateInTimeZone, isCalendarDate } from "../../lambdas/domain/dates";

describe("isCalendarDate", () => {
  it.each([
    ["2026-02-28", true],
    ["2026-02-29", false],
    ["2028-02-29", true],
    ["2026-13-01", false],
    ["2026-00-10", false],
    ["2026-1-01", false],
    ["2026-11-31", false],
    ["2026-12-31", true],
    ["2026-11-20T00:00:00Z", false],
    ["", false],
  ])("%j is a calendar date: %s", (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});

describe("addDays", () => {
  it("crosses the end of a month", () => {
    expect(addDays("2026-11-28", 3)).toBe("2026-12-01");
  });

  it("crosses the end of a year", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
  });

  it("knows February's length", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("goes back with a negative count", () => {
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
  });
});

describe("dateInTimeZone (America/Toronto by default)", () => {
  it("is still the previous day late in the evening in Toronto", () => {
    expect(dateInTimeZone(new Date("2026-11-27T04:30:00Z"))).toBe("2026-11-26");
  });

  it("is the next day after midnight in Toronto", () => {
    expect(dateInTimeZone(new Date("2026-11-27T05:30:00Z"))).toBe("2026-11-27");
  });

  it("follows the switch to daylight time on 2026-03-08", () => {
    // Before the switch, Toronto is UTC-5.
    expect(dateInTimeZone(new Date("2026-03-08T04:59:00Z"))).toBe("2026-03-07");
    expect(dateInTimeZone(new Date("2026-03-08T05:00:00Z"))).toBe("2026-03-08");
    // After it, UTC-4: 04:00Z on the 9th is already midnight there (it would be 23:00 at UTC-5).
    expect(dateInTimeZone(new Date("2026-03-09T03:59:00Z"))).toBe("2026-03-08");
    expect(dateInTimeZone(new Date("2026-03-09T04:00:00Z"))).toBe("2026-03-09");
  });

  it("takes another time zone when asked", () => {
    expect(dateInTimeZone(new Date("2026-11-27T04:30:00Z"), "UTC")).toBe("2026-11-27");
  });
});
