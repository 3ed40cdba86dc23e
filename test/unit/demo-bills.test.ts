import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATCH_UP_DAYS } from "../../lambdas/definitions/notices";
import { availableOn } from "../../lambdas/domain/billing-facts";
import { billRow } from "../../lambdas/domain/billing-records";
import { addDays } from "../../lambdas/domain/dates";
import { decide } from "../../lambdas/domain/notices/rules";
import { demoBillsCsv } from "../../local/demo/demo-bills";

/**
 * The README's demo table must hold on whatever day `npm start` runs: the demo bills are written
 * for that day, so these properties are checked over days far from the one this was written on.
 */
const DELAY = 3;
const day = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays("2020-01-01", n));

function billsOf(today: string) {
  const rows = parse(demoBillsCsv(today, DELAY), { columns: true }) as Record<string, string>[];
  return rows.map((row) => {
    const bill = billRow.parse(row);
    return { ...bill, availableOn: availableOn(bill.billingDate, DELAY) };
  });
}

describe("demo bills", () => {
  it("are valid bills.csv rows with unique ids, every one already available, for any day", () => {
    fc.assert(
      fc.property(day, (today) => {
        const bills = billsOf(today);
        expect(new Set(bills.map((b) => b.billId)).size).toBe(bills.length);
        for (const bill of bills) expect(bill.availableOn <= today).toBe(true);
        for (const n of ["9900001", "9900002", "9900003", "9900004", "9900005", "9900006"]) {
          expect(bills.some((b) => b.customerNumber === n)).toBe(true);
        }
      }),
    );
  });

  it("give 9900004 a bill in credit that the day's notices count skipped-credit, for any day", () => {
    fc.assert(
      fc.property(day, (today) => {
        const credit = billsOf(today).filter((b) => b.customerNumber === "9900004");
        expect(credit.map((b) => decide(b, undefined, today, CATCH_UP_DAYS))).toContain("skipped-credit");
      }),
    );
  });

  it("give the enrolled 9900005 a bill that the day's notices e-mail, for any day", () => {
    fc.assert(
      fc.property(day, (today) => {
        // Enrolled by the first `npm start`, possibly on this very day (noon in Toronto).
        const activatedAt = `${today}T17:00:00.000Z`;
        const profile = {
          status: "ACTIVE",
          billing: "electronic",
          email: "luc.bouchard@example.com",
          language: "fr",
          activatedAt,
          electronicSince: activatedAt,
        } as const;
        const decisions = billsOf(today)
          .filter((b) => b.customerNumber === "9900005")
          .map((b) => decide(b, profile, today, CATCH_UP_DAYS));
        expect(decisions.filter((d) => d === "eligible")).toHaveLength(1);
      }),
    );
  });
});
