import { describe, expect, it } from "vitest";
import { accountItem, billItem, contractItem } from "../../lambdas/adapters/billing-items";
import { NOTICE_SHARDS } from "../../lambdas/definitions/tables";
import { accountRow, billRow, contractRow } from "../../lambdas/domain/billing-records";
import { decodeKeyRing } from "../../lambdas/domain/key-ring";
import { factorHash } from "../../lambdas/domain/verification-hash";

const key = new TextEncoder().encode("a-test-pepper-of-at-least-32-characters");
const pepper = decodeKeyRing("a-test-pepper-of-at-least-32-characters");
const now = new Date("2026-11-20T12:00:00.000Z");

const account = accountRow.parse({
  customerNumber: "1234567",
  accessCode: "90817",
  phone: "(514) 555-9876",
  postalCode: "h2x 1y4",
  lastDebitAmount: "84.37",
  language: "fr",
  balance: "120.00",
  fullName: "Jean Tremblay",
});

const bill = billRow.parse({
  billId: "B-2026-11-1234567",
  customerNumber: "1234567",
  billingDate: "2026-11-20",
  dueDate: "2026-12-11",
  amountDue: "84.37",
  balance: "84.37",
});

describe("accountItem", () => {
  const item = accountItem(account, pepper, now);
  const stored = JSON.stringify(item);

  it.each([
    ["the access code", "90817"],
    ["the phone digits", "5145559876"],
    ["the phone as typed", "555-9876"],
    ["the postal code", "H2X1Y4"],
    ["the postal code as typed", "h2x 1y4"],
    ["the last debit in cents", "8437"],
    ["the last debit amount", "84.37"],
  ])("stores no clear copy of %s", (_what, secret) => {
    expect(stored).not.toContain(secret);
  });

  it("stores the keyed hashes of the normalized factors, each naming its pepper version", () => {
    expect(item.accessCodeHash).toBe(`v1:${factorHash(key, "accessCode", "1234567", "90817")}`);
    expect(item.phoneHash).toBe(`v1:${factorHash(key, "phone", "1234567", "5145559876")}`);
    expect(item.postalCodeHash).toBe(`v1:${factorHash(key, "postalCode", "1234567", "H2X1Y4")}`);
    expect(item.lastDebitHash).toBe(`v1:${factorHash(key, "lastDebit", "1234567", "8437")}`);
  });

  it("hashes with the current version of a rotated pepper", () => {
    const newKey = "a-second-test-pepper-of-32-characters!!";
    const rotated = decodeKeyRing(
      JSON.stringify({ current: "2", keys: { "1": "a-test-pepper-of-at-least-32-characters", "2": newKey } }),
    );
    const again = accountItem(account, rotated, now);
    const expected = factorHash(new TextEncoder().encode(newKey), "accessCode", "1234567", "90817");
    expect(again.accessCodeHash).toBe(`v2:${expected}`);
    for (const hash of [again.phoneHash, again.postalCodeHash, again.lastDebitHash])
      expect(hash).toMatch(/^v2:/);
  });

  it("keeps what the site shows: customer number, language, balance in cents, name, import time", () => {
    expect(item).toMatchObject({
      customerNumber: "1234567",
      language: "fr",
      balanceCents: 12000,
      fullName: "Jean Tremblay",
      importedAt: "2026-11-20T12:00:00.000Z",
    });
  });
});

describe("billItem", () => {
  it("is available the billing date plus the notice delay", () => {
    expect(billItem(bill, 3, now).availableOn).toBe("2026-11-23");
  });

  it("keeps amounts in cents", () => {
    expect(billItem(bill, 3, now)).toMatchObject({ amountDueCents: 8437, balanceCents: 8437 });
  });

  it("enters a notice shard from 0 to NOTICE_SHARDS - 1, spread over more than the old 8", () => {
    const valid = Array.from({ length: NOTICE_SHARDS }, (_, shard) => String(shard));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const shard = billItem({ ...bill, billId: `B-2026-11-${i}` }, 3, now).noticeShard;
      expect(valid).toContain(shard);
      seen.add(String(shard));
    }
    expect(seen.size).toBeGreaterThan(8);
  });

  it("keeps the same notice shard when the same bill is imported again", () => {
    const first = billItem(bill, 3, now).noticeShard;
    const again = billItem({ ...bill, balanceCents: 0 }, 3, new Date("2026-11-21T00:00:00Z"));
    expect(again.noticeShard).toBe(first);
  });

  it("spreads bills over several shards", () => {
    const shards = new Set(
      Array.from({ length: 100 }, (_, i) => billItem({ ...bill, billId: `B-${i}` }, 3, now).noticeShard),
    );
    expect(shards.size).toBeGreaterThan(1);
  });

  it("carries the documentKey only when there is one", () => {
    expect(billItem(bill, 3, now)).not.toHaveProperty("documentKey");
    expect(billItem({ ...bill, documentKey: "bills/b.pdf" }, 3, now).documentKey).toBe("bills/b.pdf");
  });
});

describe("contractItem", () => {
  it("keeps services with their monthly price in cents", () => {
    const contract = contractRow.parse({
      contractId: "C-1234567",
      customerNumber: "1234567",
      startDate: "2024-03-01",
      endDate: "",
      services: "Internet 120:55.00|Télé de base:32.50",
    });
    expect(contractItem(contract, now)).toEqual({
      customerNumber: "1234567",
      contractId: "C-1234567",
      startDate: "2024-03-01",
      endDate: null,
      services: [
        { name: "Internet 120", monthlyPriceCents: 5500 },
        { name: "Télé de base", monthlyPriceCents: 3250 },
      ],
      importedAt: "2026-11-20T12:00:00.000Z",
    });
  });
});
