import { randomBytes } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { billingRepository } from "../../lambdas/adapters/billing-repository";
import { NOTICE_SHARDS } from "../../lambdas/definitions/tables";
import { decodeKeyRing } from "../../lambdas/domain/key-ring";
import { factorHash, factorMatches } from "../../lambdas/domain/verification-hash";
import {
  ImportFileError,
  type ImportOptions,
  importBillingFile,
  type RejectedRow,
} from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";
import { tempFiles } from "../support/temp-files";

const { endpoints } = inject("localStack");
const pepperText = randomBytes(32).toString("base64url");
const pepper = new TextEncoder().encode(pepperText);
const target = localTargetAt(endpoints.dynamodb, decodeKeyRing(pepperText));
const repository = billingRepository(target.client, target.tables);
const files = tempFiles("import-it");
afterAll(() => {
  target.close();
  files.cleanup();
});

const ACCOUNTS_HEADER =
  "customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName";
const BILLS_HEADER = "billId,customerNumber,billingDate,dueDate,amountDue,balance";

/** Customer numbers of this file: 97xxxxx, a block per test so tests never share an account. */
let block = 0;
function customers(count: number): string[] {
  block++;
  return Array.from({ length: count }, (_, i) => String(9700000 + block * 1000 + i));
}

function accountLine(n: string, overrides: Partial<Record<string, string>> = {}): string {
  const row = {
    customerNumber: n,
    accessCode: "12345",
    phone: "4505551234",
    postalCode: "J4K1A1",
    lastDebitAmount: "84.37",
    language: "fr",
    balance: "84.37",
    fullName: "Jean Tremblay",
    ...overrides,
  };
  return Object.values(row).join(",");
}

async function run(
  kind: ImportOptions["kind"],
  content: string | Buffer,
  extra: Partial<ImportOptions> = {},
) {
  const rejected: RejectedRow[] = [];
  const warnings: string[] = [];
  const summary = await importBillingFile({
    kind,
    file: files.write(content),
    target,
    onRejected: (r) => rejected.push(r),
    onWarning: (w) => warnings.push(w),
    ...extra,
  });
  return { summary, rejected, warnings };
}

async function importAccounts(numbers: readonly string[]) {
  const { summary } = await run(
    "accounts",
    [ACCOUNTS_HEADER, ...numbers.map((n) => accountLine(n))].join("\n"),
  );
  expect(summary.rejected).toBe(0);
}

describe("importing accounts", () => {
  it("reads a BOM, CRLF line ends, quoted commas and accents, and stores no secret in clear", async () => {
    const [a, b] = customers(2) as [string, string];
    const csv = `\uFEFF${ACCOUNTS_HEADER}\r\n${accountLine(a, { fullName: '"Côté, Zoé"', phone: '"(514) 555-1234"', postalCode: "h2x 1y4", lastDebitAmount: '"84,37"' })}\r\n${accountLine(b, { language: "EN" })}\r\n`;
    const { summary, rejected } = await run("accounts", csv);
    expect(rejected).toEqual([]);
    expect(summary).toEqual({ imported: 2, rejected: 0, duplicates: [] });
    const item = await repository.getAccount(a);
    expect(item?.fullName).toBe("Côté, Zoé");
    expect(item?.balanceCents).toBe(8437);
    expect(item?.phoneHash).toBe(`v1:${factorHash(pepper, "phone", a, "5145551234")}`);
    expect(item?.postalCodeHash).toBe(`v1:${factorHash(pepper, "postalCode", a, "H2X1Y4")}`);
    expect(item?.lastDebitHash).toBe(`v1:${factorHash(pepper, "lastDebit", a, "8437")}`);
    const stored = JSON.stringify(item);
    for (const secret of ["12345", "5145551234", "514", "H2X1Y4", "84.37", "84,37"])
      expect(stored).not.toContain(secret);
    expect((await repository.getAccount(b))?.language).toBe("en");
  });

  it("updates on re-import instead of duplicating (idempotent upsert)", async () => {
    const [a] = customers(1) as [string];
    await run("accounts", `${ACCOUNTS_HEADER}\n${accountLine(a, { balance: "10.00" })}\n`);
    const { summary } = await run(
      "accounts",
      `${ACCOUNTS_HEADER}\n${accountLine(a, { balance: "-5.25" })}\n`,
    );
    expect(summary.imported).toBe(1);
    expect((await repository.getAccount(a))?.balanceCents).toBe(-525);
  });

  it("re-hashes with the current version on re-import after a pepper rotation", async () => {
    const [a] = customers(1) as [string];
    await run("accounts", `${ACCOUNTS_HEADER}\n${accountLine(a)}\n`);
    const before = await repository.getAccount(a);
    expect(before?.accessCodeHash).toMatch(/^v1:/);
    const rotated = decodeKeyRing(
      JSON.stringify({ current: "2", keys: { "1": pepperText, "2": randomBytes(32).toString("base64url") } }),
    );
    const rotatedTarget = localTargetAt(endpoints.dynamodb, rotated);
    try {
      const summary = await importBillingFile({
        kind: "accounts",
        file: files.write(`${ACCOUNTS_HEADER}\n${accountLine(a)}\n`),
        target: rotatedTarget,
      });
      expect(summary.imported).toBe(1);
    } finally {
      rotatedTarget.close();
    }
    const after = await repository.getAccount(a);
    for (const hash of [after?.accessCodeHash, after?.phoneHash, after?.postalCodeHash, after?.lastDebitHash])
      expect(hash).toMatch(/^v2:/);
    // The new hashes verify with the rotated ring, and not with the old key alone.
    expect(factorMatches(rotated, "accessCode", a, "12345", after?.accessCodeHash ?? "")).toBe(true);
    expect(
      factorMatches(decodeKeyRing(pepperText), "accessCode", a, "12345", after?.accessCodeHash ?? ""),
    ).toBe(false);
  });

  it("reports each bad row with its line, field and reason, and imports the good ones", async () => {
    const [good1, good2, bad1, bad2, bad3, bad4] = customers(6) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const csv = [
      ACCOUNTS_HEADER,
      accountLine(good1),
      accountLine(bad1.slice(0, 6)), // a 7-digit field with 6 digits
      "",
      accountLine(bad2, { lastDebitAmount: "84.375" }), // three decimals
      `${accountLine(bad3)},extra`, // an extra column
      bad4, // missing columns
      "   ",
      accountLine(good2),
    ].join("\n");
    const { summary, rejected } = await run("accounts", csv);
    expect(summary).toEqual({ imported: 2, rejected: 4, duplicates: [] });
    expect(rejected).toEqual([
      { line: 3, field: "customerNumber", reason: "must be exactly 7 digits" },
      { line: 5, field: "lastDebitAmount", reason: "must be a positive amount with at most two decimals" },
      { line: 6, field: "(row)", reason: "expected 8 columns, found 9" },
      { line: 7, field: "(row)", reason: "expected 8 columns, found 1" },
    ]);
    expect(await repository.getAccount(good1)).toBeDefined();
    expect(await repository.getAccount(good2)).toBeDefined();
    expect(await repository.getAccount(bad2)).toBeUndefined();
    expect(await repository.getAccount(bad3)).toBeUndefined();
  });

  it("reports every bad field of a row, not only the first", async () => {
    const [good, bad] = customers(2) as [string, string];
    const csv = [
      ACCOUNTS_HEADER,
      accountLine(good),
      accountLine(good.replace(/\d$/, "x")),
      accountLine(bad, { phone: "555-1234", language: "de", balance: "abc" }),
    ].join("\n");
    const { summary, rejected } = await run("accounts", csv);
    expect(summary).toMatchObject({ imported: 1, rejected: 2 });
    expect(rejected).toEqual([
      { line: 3, field: "customerNumber", reason: "must be exactly 7 digits" },
      { line: 4, field: "phone", reason: "must be a 10-digit phone number with the area code" },
      { line: 4, field: "language", reason: "must be fr or en" },
      {
        line: 4,
        field: "balance",
        reason: "must be an amount with at most two decimals (negative when in credit)",
      },
    ]);
    expect(await repository.getAccount(bad)).toBeUndefined();
  });

  it("keeps the last of duplicate rows, says so, even across batches written concurrently", async () => {
    const numbers = customers(120);
    const dup = numbers[0] as string;
    const lines = [ACCOUNTS_HEADER, accountLine(dup, { balance: "1.00" })];
    for (const n of numbers.slice(1)) lines.push(accountLine(n));
    lines.push(accountLine(dup, { balance: "2.00" })); // far away: another batch
    lines.push(accountLine(numbers[5] as string, { balance: "3.00" }));
    const { summary, warnings } = await run("accounts", lines.join("\n"), { concurrency: 8 });
    expect(summary.rejected).toBe(0);
    expect(summary.imported).toBe(120);
    expect(summary.duplicates).toEqual([
      { line: 122, replaced: 2, key: dup },
      { line: 123, replaced: 7, key: numbers[5] },
    ]);
    expect(warnings[0]).toBe(`line 122: customerNumber ${dup} also on line 2; the last one wins`);
    expect((await repository.getAccount(dup))?.balanceCents).toBe(200);
    expect((await repository.getAccount(numbers[5] as string))?.balanceCents).toBe(300);
  });

  it("counts the items written: a key on two lines of one batch is one item, and the duplicate is named", async () => {
    const [a, b] = customers(2) as [string, string];
    const csv = [
      ACCOUNTS_HEADER,
      accountLine(a, { balance: "1.00" }),
      accountLine(a, { balance: "2.00" }),
      accountLine(b),
      accountLine(a, { balance: "3.00" }),
    ].join("\n");
    const { summary, warnings } = await run("accounts", csv);
    expect(summary).toEqual({
      imported: 2,
      rejected: 0,
      duplicates: [
        { line: 3, replaced: 2, key: a },
        { line: 5, replaced: 3, key: a },
      ],
    });
    expect(warnings).toEqual([
      `line 3: customerNumber ${a} also on line 2; the last one wins`,
      `line 5: customerNumber ${a} also on line 3; the last one wins`,
    ]);
    expect((await repository.getAccount(a))?.balanceCents).toBe(300);
  });

  it("takes the optional contactEmail and status columns, and still imports a file without them", async () => {
    const [a, b, c] = customers(3) as [string, string, string];
    await run("accounts", `${ACCOUNTS_HEADER}\n${accountLine(a)}\n`);
    await run("accounts", `${ACCOUNTS_HEADER},contactEmail\n${accountLine(b)},Owner.B@Example.com\n`);
    await run("accounts", `${ACCOUNTS_HEADER},contactEmail,status\n${accountLine(c)},,closed\n`);
    expect(await repository.getAccount(a)).toMatchObject({ status: "active" });
    expect(await repository.getAccount(a)).not.toHaveProperty("contactEmail");
    expect(await repository.getAccount(b)).toMatchObject({
      contactEmail: "owner.b@example.com",
      status: "active",
    });
    expect(await repository.getAccount(c)).toMatchObject({ status: "closed" });
    expect(await repository.getAccount(c)).not.toHaveProperty("contactEmail");
  });

  it("refuses a wrong header and writes nothing", async () => {
    const [a] = customers(1) as [string];
    const csv = `customerNumber,code,phone,postalCode,lastDebitAmount,language,balance,fullName\n${accountLine(a)}\n`;
    await expect(run("accounts", csv)).rejects.toThrow(
      new ImportFileError(
        `line 1: the header must be ${ACCOUNTS_HEADER} (and optionally ,contactEmail,status, in that order); found customerNumber,code,phone,postalCode,lastDebitAmount,language,balance,fullName`,
      ),
    );
    expect(await repository.getAccount(a)).toBeUndefined();
  });

  it("refuses an empty file, and imports nothing from a header alone", async () => {
    await expect(run("accounts", "")).rejects.toThrow(
      /the file is empty: expected the header customerNumber,/,
    );
    await expect(run("accounts", "\n\n")).rejects.toThrow(/the file is empty/);
    expect((await run("accounts", `${ACCOUNTS_HEADER}\n`)).summary).toEqual({
      imported: 0,
      rejected: 0,
      duplicates: [],
    });
  });

  it("refuses a file that does not exist", async () => {
    await expect(
      importBillingFile({ kind: "accounts", file: `${files.dir}/missing.csv`, target }),
    ).rejects.toThrow(new ImportFileError(`${files.dir}/missing.csv: no such file`));
  });

  it("stops at broken CSV quoting with the line, keeping what came before", async () => {
    const [a, b] = customers(2) as [string, string];
    const csv = `${ACCOUNTS_HEADER}\n${accountLine(a)}\n${accountLine(b, { fullName: '"Jean "Le Grand" Tremblay' })}\n`;
    const error = await run("accounts", csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).message).toMatch(/^line 3: the CSV cannot be read/);
    expect((error as ImportFileError).summary).toEqual({ imported: 1, rejected: 1, duplicates: [] });
    expect(await repository.getAccount(a)).toBeDefined();
    expect(await repository.getAccount(b)).toBeUndefined();

    const [c, d] = customers(2) as [string, string];
    const unclosed = await run(
      "accounts",
      `${ACCOUNTS_HEADER}\n${accountLine(c)}\n${accountLine(d, { fullName: '"Jean' })}\n`,
    ).catch((e: unknown) => e);
    expect((unclosed as ImportFileError).message).toMatch(/the CSV cannot be read \(Quote Not Closed/);
    expect((unclosed as ImportFileError).summary.imported).toBe(1);
    expect(await repository.getAccount(c)).toBeDefined();
  });

  it("writes nothing in a dry run, yet reports the same rows", async () => {
    const [a, b] = customers(2) as [string, string];
    const csv = `${ACCOUNTS_HEADER}\n${accountLine(a)}\n${accountLine(b, { accessCode: "1234" })}\n`;
    const { summary, rejected } = await run("accounts", csv, { dryRun: true });
    expect(summary).toEqual({ imported: 1, rejected: 1, duplicates: [] });
    expect(rejected).toEqual([{ line: 3, field: "accessCode", reason: "must be exactly 5 digits" }]);
    expect(await repository.getAccount(a)).toBeUndefined();
  });
});

describe("importing bills and contracts", () => {
  it("rejects a bill of an unknown customer and an impossible date, and serves the access patterns", async () => {
    const [known, unknown] = customers(2) as [string, string];
    await importAccounts([known]);
    const csv = [
      `${BILLS_HEADER},documentKey`,
      `B-1-${known},${known},2026-09-20,2026-10-11,84.37,84.37,`,
      `B-3-${known},${known},2026-11-20,2026-12-11,"73,15",-1.00,bills/B-3.pdf`,
      `B-2-${known},${known},2026-10-20,2026-11-10,84.37,0,`,
      `B-1-${unknown},${unknown},2026-11-20,2026-12-11,84.37,84.37,`,
      `B-4-${known},${known},2026-02-30,2026-03-11,84.37,84.37,`,
    ].join("\n");
    const { summary, rejected } = await run("bills", csv);
    expect(summary).toEqual({ imported: 3, rejected: 2, duplicates: [] });
    expect(rejected).toContainEqual({
      line: 6,
      field: "billingDate",
      reason: "must be a real date written YYYY-MM-DD",
    });
    expect(rejected).toContainEqual({
      line: 5,
      field: "customerNumber",
      reason: "no account has this customer number (import accounts first)",
    });
    const { items: bills } = await repository.listAvailableBills(known, {
      availableBy: "9999-12-31",
      limit: 24,
    });
    expect(bills.map((b) => b.billId)).toEqual([`B-3-${known}`, `B-2-${known}`, `B-1-${known}`]);
    expect(bills[0]).toMatchObject({
      amountDueCents: 7315,
      balanceCents: -100,
      availableOn: "2026-11-23",
      documentKey: "bills/B-3.pdf",
    });
    expect(await repository.getBill(known, `B-2-${known}`)).toMatchObject({ billingDate: "2026-10-20" });
    expect(await repository.getBill(unknown, `B-2-${known}`)).toBeUndefined();

    // The sparse index: every shard queried up to a date finds exactly the bills available by then.
    const pending: string[] = [];
    for (let shard = 0; shard < NOTICE_SHARDS; shard++) {
      let next: Record<string, unknown> | undefined;
      do {
        const page = await repository.pendingNoticesPage(shard, "2026-10-23", {
          limit: 1,
          ...(next ? { next } : {}),
        });
        pending.push(...page.items.filter((b) => b.customerNumber === known).map((b) => b.billId));
        next = page.next;
      } while (next);
    }
    expect(pending.sort()).toEqual([`B-1-${known}`, `B-2-${known}`]);
  });

  it("reports the refused bills in line order, though unknown customers are found batch by batch", async () => {
    const numbers = customers(3);
    const [known, unknown] = [numbers.slice(0, 2), numbers[2] as string];
    await importAccounts(known);
    const lines = [BILLS_HEADER];
    const expected: { line: number; field: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const line = i + 2;
      const customer = i % 7 === 3 ? unknown : (known[i % 2] as string);
      const billingDate = i % 11 === 5 ? "2026-02-30" : "2026-11-20";
      lines.push(`B-${i}-${customer},${customer},${billingDate},2026-12-11,84.37,84.37`);
      if (billingDate === "2026-02-30") expected.push({ line, field: "billingDate" });
      else if (customer === unknown) expected.push({ line, field: "customerNumber" });
    }
    const { summary, rejected } = await run("bills", lines.join("\n"), { concurrency: 8 });
    expect(rejected.map(({ line, field }) => ({ line, field }))).toEqual(expected);
    expect(summary).toEqual({ imported: 200 - expected.length, rejected: expected.length, duplicates: [] });
  });

  it("imports a contract with its services in cents, one per customer", async () => {
    const [a] = customers(1) as [string];
    await importAccounts([a]);
    const csv = `contractId,customerNumber,startDate,endDate,services\nC-${a},${a},2024-03-01,,Internet 120:55.00|Télé de base:32.50\n`;
    const { summary } = await run("contracts", csv);
    expect(summary.imported).toBe(1);
    expect(await repository.getContract(a)).toMatchObject({
      contractId: `C-${a}`,
      endDate: null,
      services: [
        { name: "Internet 120", monthlyPriceCents: 5500 },
        { name: "Télé de base", monthlyPriceCents: 3250 },
      ],
    });
    const raw = await target.client.send(
      new GetCommand({ TableName: target.tables.contracts, Key: { customerNumber: a } }),
    );
    expect(raw.Item?.customerNumber).toBe(a);
  });
});
