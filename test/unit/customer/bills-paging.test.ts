import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BILLS_PAGE_SIZE } from "../../../lambdas/definitions/limits";
import { ApiError } from "../../../lambdas/domain/api-error";
import { decodeBillCursor, encodeBillCursor } from "../../../lambdas/domain/customer/bill-cursor";
import { listBills } from "../../../lambdas/domain/customer/me";
import type { BillPosition, CustomerBilling, StoredBill } from "../../../lambdas/domain/customer/ports";
import { addDays, dateInTimeZone } from "../../../lambdas/domain/dates";

/** The injected clock; every date below is relative to its day in Toronto. */
const now = () => new Date("2027-03-15T15:00:00Z");
const today = dateInTimeZone(now());
const alice = "9600010";
const bob = "9600020";

const order = (a: BillPosition, b: BillPosition) =>
  b.billingDate.localeCompare(a.billingDate) || b.billId.localeCompare(a.billId);

/** In memory, with the adapter's contract (billing-repository.ts, tested against DynamoDB Local). */
function billingOf(byCustomer: Record<string, StoredBill[]>): CustomerBilling {
  return {
    async listAvailableBills(n, page) {
      const { after } = page;
      const all = (byCustomer[n] ?? [])
        .filter((b) => b.availableOn <= page.availableBy)
        .sort(order)
        .filter((b) => !after || order(b, after) > 0);
      const bills = all.slice(0, page.limit);
      const last = bills[bills.length - 1];
      return {
        bills,
        ...(all.length > page.limit && last
          ? { next: { billingDate: last.billingDate, billId: last.billId } }
          : {}),
      };
    },
    getBill: async (n, id) => byCustomer[n]?.find((b) => b.billId === id),
    getContract: async () => undefined,
  };
}

function monthlyBill(customerNumber: string, monthsAgo: number, delayDays = 3): StoredBill {
  const billingDate = addDays(today, -30 * monthsAgo);
  return {
    billId: `B-${billingDate}-${customerNumber}`,
    billingDate,
    dueDate: addDays(billingDate, 21),
    amountDueCents: 8437,
    balanceCents: 0,
    availableOn: addDays(billingDate, delayDays),
  };
}

async function everyPage(customerNumber: string, billing: CustomerBilling) {
  const pages: string[][] = [];
  let next: string | null | undefined;
  do {
    const page = await listBills(customerNumber, next ?? undefined, { billing, now });
    pages.push(page.bills.map((b) => b.billId));
    next = page.next;
  } while (next !== null && pages.length < 100);
  return pages;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ApiError ? { code: error.code, fields: error.options.fields } : error;
  }
  return "accepted";
}

const VALIDATION = { code: "VALIDATION_FAILED", fields: [{ field: "next", code: "INVALID_FORMAT" }] };

describe("GET /v1/me/bills, page by page", () => {
  it("60 available bills: pages of 24, 24 and 12, newest first, next null on the last", async () => {
    const bills = Array.from({ length: 60 }, (_, i) => monthlyBill(alice, i + 1));
    const pages = await everyPage(alice, billingOf({ [alice]: bills }));
    expect(pages.map((p) => p.length)).toEqual([24, 24, 12]);
    expect(pages.flat()).toEqual(bills.map((b) => b.billId));
  });

  it("a bill not yet available is in no page; one available today is", async () => {
    const billedToday = monthlyBill(alice, 0);
    const availableToday = { ...monthlyBill(alice, 0, 0), billId: "B-today" };
    const older = Array.from({ length: 30 }, (_, i) => monthlyBill(alice, i + 1));
    const pages = await everyPage(alice, billingOf({ [alice]: [billedToday, availableToday, ...older] }));
    expect(pages.flat()).not.toContain(billedToday.billId);
    expect(pages.flat()[0]).toBe("B-today");
    expect(pages.map((p) => p.length)).toEqual([24, 7]);
  });

  it("whatever the bills, the pages are every available bill once, in order, full but the last", async () => {
    const bill = fc.record({
      daysAgo: fc.integer({ min: -40, max: 2000 }),
      delay: fc.integer({ min: 0, max: 10 }),
      id: fc.stringMatching(/^[A-Z][A-Za-z0-9._-]{0,8}$/),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(bill, { maxLength: 90, selector: (b) => b.id }), async (drawn) => {
        const bills: StoredBill[] = drawn.map(({ daysAgo, delay, id }) => {
          const billingDate = addDays(today, -daysAgo);
          return {
            billId: id,
            billingDate,
            dueDate: billingDate,
            amountDueCents: 1,
            balanceCents: 1,
            availableOn: addDays(billingDate, delay),
          };
        });
        const pages = await everyPage(alice, billingOf({ [alice]: bills }));
        const expected = bills.filter((b) => b.availableOn <= today).sort(order);
        expect(pages.flat()).toEqual(expected.map((b) => b.billId));
        expect(pages.slice(0, -1).every((p) => p.length === BILLS_PAGE_SIZE)).toBe(true);
        // A last page is empty only when there is no bill at all: no cursor leads to nothing.
        expect((pages.at(-1) ?? []).length > 0 || expected.length === 0).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("the next cursor", () => {
  const bills = Array.from({ length: 30 }, (_, i) => monthlyBill(alice, i + 1));
  const billing = billingOf({ [alice]: bills, [bob]: [monthlyBill(bob, 1), monthlyBill(bob, 2)] });

  async function firstCursor(customerNumber: string): Promise<string> {
    const { next } = await listBills(customerNumber, undefined, { billing, now });
    if (next === null) throw new Error("no second page");
    return next;
  }

  it("is opaque base64url and names the last bill of the page, for its customer only", async () => {
    const cursor = await firstCursor(alice);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const last = bills[BILLS_PAGE_SIZE - 1] as StoredBill;
    expect(decodeBillCursor(cursor, alice)).toEqual({ billingDate: last.billingDate, billId: last.billId });
    expect(decodeBillCursor(cursor, bob)).toBeNull();
  });

  it("altered in any character: 400 VALIDATION_FAILED, never a page", async () => {
    const cursor = await firstCursor(alice);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let i = 0; i < cursor.length; i++) {
      for (const replacement of [alphabet[(alphabet.indexOf(cursor[i] as string) + 1) % 64], "="]) {
        const altered = `${cursor.slice(0, i)}${replacement}${cursor.slice(i + 1)}`;
        const outcome = await refusal(listBills(alice, altered, { billing, now }));
        expect(outcome, `${i}: ${altered}`).toEqual(VALIDATION);
      }
    }
    for (const other of ["", "x", `${cursor}A`, cursor.slice(0, -1), "bnVsbA", "W10"]) {
      expect(await refusal(listBills(alice, other, { billing, now })), other).toEqual(VALIDATION);
    }
  });

  it("another customer's cursor: 400, and never a page of theirs", async () => {
    const bobs = encodeBillCursor(bob, { billingDate: bills[0]?.billingDate as string, billId: "B-x" });
    expect(await refusal(listBills(alice, bobs, { billing, now }))).toEqual(VALIDATION);
    // Bob's cursor naming Bob's real bill, re-addressed to Alice: not one of her bills.
    const bobBill = monthlyBill(bob, 1);
    const readdressed = encodeBillCursor(alice, bobBill);
    expect(await refusal(listBills(alice, readdressed, { billing, now }))).toEqual(VALIDATION);
    expect(await refusal(listBills(alice, await firstCursor(alice), { billing, now }))).toBe("accepted");
  });

  it("well formed but naming no bill of the customer, or the wrong date of one: 400", async () => {
    const real = bills[3] as StoredBill;
    for (const position of [
      { billingDate: real.billingDate, billId: "B-none" },
      { billingDate: addDays(real.billingDate, 1), billId: real.billId },
    ]) {
      const outcome = await refusal(listBills(alice, encodeBillCursor(alice, position), { billing, now }));
      expect(outcome, JSON.stringify(position)).toEqual(VALIDATION);
    }
    // Of a bill billed in the future: no list ever reached it.
    const future = { ...monthlyBill(alice, 0), billingDate: addDays(today, 5), billId: "B-future" };
    const withFuture = billingOf({ [alice]: [...bills, future] });
    const cursor = encodeBillCursor(alice, future);
    expect(await refusal(listBills(alice, cursor, { billing: withFuture, now }))).toEqual(VALIDATION);
  });

  it("decodes only its exact shape", () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const value of [
      [alice, "2026-11-20"],
      [alice, "2026-11-20", "B-1", "extra"],
      [alice, "2026-02-30", "B-1"],
      [alice, "2026-11-20", "../B-1"],
      [alice, "2026-11-20", 7],
      { c: alice, d: "2026-11-20", b: "B-1" },
    ]) {
      expect(decodeBillCursor(encode(value), alice), JSON.stringify(value)).toBeNull();
    }
    expect(decodeBillCursor(encode([alice, "2026-11-20", "B-1"]), alice)).toEqual({
      billingDate: "2026-11-20",
      billId: "B-1",
    });
  });
});
