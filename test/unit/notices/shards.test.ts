import { describe, expect, it } from "vitest";
import { billItem, noticeShard } from "../../../lambdas/adapters/billing-items";
import { NOTICE_SHARDS } from "../../../lambdas/definitions/tables";

/**
 * The sparse pending-notices index (tables.ts): the importer puts each bill in one of NOTICE_SHARDS
 * partitions "so that a large import spreads its index writes", and the dispatcher reads them all.
 */

function spread(keys: Iterable<[string, string]>): number[] {
  const counts = Array.from({ length: NOTICE_SHARDS }, () => 0);
  for (const [customerNumber, billId] of keys) {
    const shard = Number(noticeShard(customerNumber, billId));
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  // Every shard is one of 0 … NOTICE_SHARDS - 1.
  expect(counts).toHaveLength(NOTICE_SHARDS);
  return counts;
}

describe("noticeShard", () => {
  it("is stable: a re-import keeps a bill in the same partition", () => {
    expect(noticeShard("9900001", "B-2026-11-9900001")).toBe(noticeShard("9900001", "B-2026-11-9900001"));
    const record = {
      customerNumber: "9900001",
      billId: "B-2026-11-9900001",
      billingDate: "2026-11-20",
      dueDate: "2026-12-11",
      amountDueCents: 8437,
      balanceCents: 8437,
    };
    const a = billItem(record, 3, new Date("2026-11-20T12:00:00Z"));
    const b = billItem(record, 3, new Date("2026-12-01T12:00:00Z"));
    expect(a.noticeShard).toBe(b.noticeShard);
    expect(a.availableOn).toBe("2026-11-23");
  });

  it("spreads arbitrary bill ids over every shard", () => {
    const keys: [string, string][] = [];
    for (let i = 0; i < 8000; i++)
      keys.push([String(1000000 + ((i * 7919) % 8999999)), `F${(i * 104729) % 1_000_003}`]);
    for (const count of spread(keys)) expect(count).toBeGreaterThan(8000 / NOTICE_SHARDS / 2);
  });

  /**
   * Regression: the first hash multiplied by 31, and 31 ≡ -1 (mod 8), so `h % 8` was only the
   * alternating sum of the characters mod 8. For ids of the billing system's form
   * `B-YYYY-MM-<customerNumber>` (the demo files, local/demo/load-demo.ts), the customer number
   * appears twice at an even distance in `customerNumber/billId`, its digits count twice, and every
   * bill of one billing cycle lands in an even shard: 4 of the 8 partitions take all the index writes and reads.
   */
  it("spreads a month's bills file (ids B-YYYY-MM-<customerNumber>) over every shard", () => {
    const keys: [string, string][] = [];
    for (let i = 0; i < 8000; i++) {
      const customerNumber = String(1000000 + i * 977);
      keys.push([customerNumber, `B-2026-11-${customerNumber}`]);
    }
    const counts = spread(keys);
    expect(counts.filter((c) => c === 0)).toEqual([]);
    for (const count of counts) expect(count).toBeGreaterThan(8000 / NOTICE_SHARDS / 2);
  });
});
