import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { availableOn } from "../../lambdas/domain/billing-facts";
import {
  accountRow,
  billingFiles,
  billRow,
  checkRow,
  contractRow,
} from "../../lambdas/domain/billing-records";

/** The importer passes each row as strings keyed by the column names. */
const account = {
  customerNumber: "1234567",
  accessCode: "90817",
  phone: "(514) 555-1234",
  postalCode: "h2x 1y4",
  lastDebitAmount: "84,37",
  language: "EN",
  balance: "-12.50",
  fullName: " Jean Tremblay ",
};
const bill = {
  billId: "B-2026-11-1234567",
  customerNumber: "1234567",
  billingDate: "2026-11-20",
  dueDate: "2026-12-11",
  amountDue: "84.37",
  balance: "84.37",
};
const contract = {
  contractId: "C-1234567",
  customerNumber: "1234567",
  startDate: "2024-03-01",
  endDate: "",
  services: "Internet 120:55.00|Télé de base:32.50",
};

/** The single issue of a refused row, as the operator reads it: field and reason. */
function refusal(schema: z.ZodType, row: Record<string, string>) {
  const result = schema.safeParse(row);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({ field: issue.path[0], message: issue.message }));
}

describe("accounts.csv rows", () => {
  it("give the record with cents, normalized factors and a lower-cased language", () => {
    expect(accountRow.parse(account)).toEqual({
      customerNumber: "1234567",
      accessCode: "90817",
      phone: "5145551234",
      postalCode: "H2X1Y4",
      lastDebitCents: 8437,
      language: "en",
      balanceCents: -1250,
      fullName: "Jean Tremblay",
      status: "active",
    });
  });

  it("take the optional contactEmail (lower-cased; empty is none) and status (empty is active)", () => {
    expect(
      accountRow.parse({ ...account, contactEmail: " Jean@Example.COM ", status: "Closed" }),
    ).toMatchObject({
      contactEmail: "jean@example.com",
      status: "closed",
    });
    const none = accountRow.parse({ ...account, contactEmail: "", status: "" });
    expect(none).not.toHaveProperty("contactEmail");
    expect(none.status).toBe("active");
    expect(accountRow.safeParse({ ...account, contactEmail: "not an address" }).success).toBe(false);
    expect(accountRow.safeParse({ ...account, status: "suspended" }).success).toBe(false);
  });

  it("accept the contract's example line", () => {
    const result = accountRow.safeParse({
      customerNumber: "1234567",
      accessCode: "12345",
      phone: "4505551234",
      postalCode: "J4K1A1",
      lastDebitAmount: "84.37",
      language: "fr",
      balance: "84.37",
      fullName: "Jean Tremblay",
    });
    expect(result.success).toBe(true);
  });

  it.each([
    ["customerNumber", "123456", "must be exactly 7 digits"],
    ["accessCode", "1234", "must be exactly 5 digits"],
    ["phone", "514555123", "must be a 10-digit phone number with the area code"],
    ["postalCode", "D2X1Y4", "must be a Canadian postal code like A1A1A1"],
    ["lastDebitAmount", "84.373", "must be a positive amount with at most two decimals"],
    ["lastDebitAmount", "-84.37", "must be a positive amount with at most two decimals"],
    ["balance", "84.373", "must be an amount with at most two decimals (negative when in credit)"],
    ["language", "es", "must be fr or en"],
    ["fullName", "   ", "must not be empty"],
    ["fullName", "", "must not be empty"],
  ])("refuse %s %j: %s", (field, value, message) => {
    expect(refusal(accountRow, { ...account, [field]: value })).toEqual([{ field, message }]);
  });
});

describe("bills.csv rows", () => {
  it("give the record with cents and no documentKey when the column is absent", () => {
    expect(billRow.parse(bill)).toEqual({
      billId: "B-2026-11-1234567",
      customerNumber: "1234567",
      billingDate: "2026-11-20",
      dueDate: "2026-12-11",
      amountDueCents: 8437,
      balanceCents: 8437,
    });
  });

  it("keep a documentKey", () => {
    expect(billRow.parse({ ...bill, documentKey: "bills/2026-11/B-2026-11-1234567.pdf" }).documentKey).toBe(
      "bills/2026-11/B-2026-11-1234567.pdf",
    );
  });

  it("treat an empty documentKey as absent", () => {
    expect(billRow.parse({ ...bill, documentKey: "" })).not.toHaveProperty("documentKey");
  });

  it("accept a due date equal to the billing date", () => {
    expect(billRow.safeParse({ ...bill, dueDate: "2026-11-20" }).success).toBe(true);
  });

  it.each([
    ["customerNumber", "123456", "must be exactly 7 digits"],
    ["amountDue", "84.373", "must be an amount with at most two decimals"],
    ["billingDate", "2026-02-30", "must be a real date written YYYY-MM-DD"],
    ["dueDate", "2026-11-19", "must not be before billingDate"],
    ["billId", "", "billId must be 1 to 64 letters, digits, dots, dashes or underscores"],
    [
      "documentKey",
      "bills/../accounts.csv",
      "must be a relative key of letters, digits, '/', '.', '-' or '_'",
    ],
    ["documentKey", "../secret.pdf", "must be a relative key of letters, digits, '/', '.', '-' or '_'"],
    ["documentKey", "/etc/passwd", "must be a relative key of letters, digits, '/', '.', '-' or '_'"],
  ])("refuse %s %j: %s", (field, value, message) => {
    expect(refusal(billRow, { ...bill, [field]: value })).toEqual([{ field, message }]);
  });
});

describe("contracts.csv rows", () => {
  it("give the record with services in cents, accents kept, and an open end as null", () => {
    expect(contractRow.parse(contract)).toEqual({
      contractId: "C-1234567",
      customerNumber: "1234567",
      startDate: "2024-03-01",
      endDate: null,
      services: [
        { name: "Internet 120", monthlyPriceCents: 5500 },
        { name: "Télé de base", monthlyPriceCents: 3250 },
      ],
    });
  });

  it("keep an end date", () => {
    expect(contractRow.parse({ ...contract, endDate: "2027-02-28" }).endDate).toBe("2027-02-28");
  });

  it("treat an empty documentKey as absent and keep a given one", () => {
    expect(contractRow.parse({ ...contract, documentKey: "" })).not.toHaveProperty("documentKey");
    expect(contractRow.parse({ ...contract, documentKey: "contracts/C-1234567.pdf" }).documentKey).toBe(
      "contracts/C-1234567.pdf",
    );
  });

  const servicesReason = 'must be "name:price" entries separated by "|", prices like 55.00';
  it.each([
    ["services", "Internet", servicesReason],
    ["services", "Internet:abc", servicesReason],
    ["services", "", servicesReason],
    ["services", ":55.00", servicesReason],
    ["services", "Internet 120:55.00|", servicesReason],
    ["startDate", "2026-02-30", "must be a real date written YYYY-MM-DD"],
    ["endDate", "2026-02-30", "must be empty or a real date written YYYY-MM-DD"],
    ["endDate", "2024-02-29", "must not be before startDate"],
    [
      "documentKey",
      "contracts/../../x.pdf",
      "must be a relative key of letters, digits, '/', '.', '-' or '_'",
    ],
  ])("refuse %s %j: %s", (field, value, message) => {
    expect(refusal(contractRow, { ...contract, [field]: value })).toEqual([{ field, message }]);
  });
});

describe("billingFiles", () => {
  it("expects exactly the contract's columns, in order", () => {
    expect(billingFiles.accounts.columns.join(",")).toBe(
      "customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName",
    );
    expect(billingFiles.accounts.optionalLastColumns).toEqual(["contactEmail", "status"]);
    expect(billingFiles.bills.columns.join(",")).toBe(
      "billId,customerNumber,billingDate,dueDate,amountDue,balance",
    );
    expect(billingFiles.bills.optionalLastColumns).toEqual(["documentKey"]);
    expect(billingFiles.contracts.columns.join(",")).toBe(
      "contractId,customerNumber,startDate,endDate,services",
    );
    expect(billingFiles.contracts.optionalLastColumns).toEqual(["documentKey"]);
  });
});

describe("checkRow", () => {
  it("gives the record of a good row", () => {
    expect(checkRow("bills", bill)).toEqual({ ok: true, record: billRow.parse(bill) });
  });

  it("names every bad field of a row, once each, in column order", () => {
    expect(checkRow("accounts", { ...account, phone: "555-1234", language: "de", balance: "abc" })).toEqual({
      ok: false,
      problems: [
        { field: "phone", reason: "must be a 10-digit phone number with the area code" },
        { field: "language", reason: "must be fr or en" },
        {
          field: "balance",
          reason: "must be an amount with at most two decimals (negative when in credit)",
        },
      ],
    });
  });

  it("checks dates against each other even when another field is bad", () => {
    expect(checkRow("bills", { ...bill, dueDate: "2026-11-19", amountDue: "x", balance: "y" })).toEqual({
      ok: false,
      problems: [
        { field: "dueDate", reason: "must not be before billingDate" },
        { field: "amountDue", reason: "must be an amount with at most two decimals" },
        {
          field: "balance",
          reason: "must be an amount with at most two decimals (negative when in credit)",
        },
      ],
    });
    expect(
      checkRow("contracts", { ...contract, customerNumber: "1", endDate: "2024-01-01", services: "" }),
    ).toMatchObject({
      ok: false,
      problems: [{ field: "customerNumber" }, { field: "endDate" }, { field: "services" }],
    });
  });

  it("does not compare dates when one of them is not a date", () => {
    expect(checkRow("bills", { ...bill, billingDate: "2026-02-30", dueDate: "2026-01-01" })).toEqual({
      ok: false,
      problems: [{ field: "billingDate", reason: "must be a real date written YYYY-MM-DD" }],
    });
  });
});

describe("availableOn", () => {
  it("is the billing date plus the notice delay", () => {
    expect(availableOn("2026-11-20", 3)).toBe("2026-11-23");
    expect(availableOn("2026-12-30", 3)).toBe("2027-01-02");
  });
});
