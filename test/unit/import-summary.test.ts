import { describe, expect, it } from "vitest";
import { summaryLine } from "../../local/import/import-file";

describe("the import's summary line", () => {
  it("is the contract's line when nothing was replaced", () => {
    expect(summaryLine({ imported: 2, rejected: 1, duplicates: [] })).toBe("imported 2, rejected 1");
    expect(summaryLine({ imported: 2, rejected: 0, duplicates: [] }, { dryRun: true })).toBe(
      "imported 2, rejected 0 (dry run: nothing written)",
    );
  });

  it("names the duplicates after it, three at most", () => {
    const duplicate = (line: number) => ({ line, replaced: line - 1, key: `99000${line}` });
    expect(summaryLine({ imported: 2, rejected: 0, duplicates: [duplicate(3)] })).toBe(
      "imported 2, rejected 0 (1 duplicate: line 3 replaced line 2, key 990003)",
    );
    expect(
      summaryLine(
        { imported: 5, rejected: 1, duplicates: [10, 20, 30, 40, 50].map(duplicate) },
        { dryRun: true },
      ),
    ).toBe(
      "imported 5, rejected 1 (5 duplicates: line 10 replaced line 9, key 9900010; line 20 replaced line 19, " +
        "key 9900020; line 30 replaced line 29, key 9900030; 2 more in the warnings; dry run: nothing written)",
    );
  });
});
