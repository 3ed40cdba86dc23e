import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { type AccountRecord, billingFiles } from "../../lambdas/domain/billing-records";

/** The accounts header of the contract (section 5), in its order. */
export const accountsHeader = billingFiles.accounts.columns.join(",");

/** Letters a Canadian postal code may hold in every position (no D, F, I, O, Q, U; no W, Z). */
const postalLetters = "ABCEGHJKLMNPRSTVXY";
const firstNames = ["Jean", "Marie", "John", "Sophie", "Luc", "Anne", "Paul", "Julie"];
const lastNames = ["Tremblay", "Gagnon", "Smith", "Roy", "Côté", "Bouchard", "Gauthier", "Morin"];

/** Row i of the synthetic accounts file: valid, with the distinct customer number 9000000 + i. */
export function accountLine(i: number): string {
  const letter = (n: number) => postalLetters[n % postalLetters.length] as string;
  const customerNumber = String(9_000_000 + i);
  const accessCode = String((i * 7919) % 100_000).padStart(5, "0");
  const phone = `514${String((i * 104_729) % 10_000_000).padStart(7, "0")}`;
  const postalCode = `${letter(i)}${i % 10}${letter(i >> 3)} ${(i >> 5) % 10}${letter(i >> 7)}${(i >> 11) % 10}`;
  const lastDebit = `${(i % 200) + 10}.${String(i % 100).padStart(2, "0")}`;
  const language = i % 3 === 0 ? "en" : "fr";
  const balance =
    i % 10 === 0 ? `-${(i % 50) + 1}.50` : `${(i % 300) + 1}.${String((i * 3) % 100).padStart(2, "0")}`;
  const fullName = `${firstNames[i % firstNames.length]} ${lastNames[(i >> 3) % lastNames.length]} ${i}`;
  return [customerNumber, accessCode, phone, postalCode, lastDebit, language, balance, fullName].join(",");
}

/** Writes an accounts CSV of `rows` rows (header first), streaming so the file is never held whole. */
export async function writeAccountsCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file, { encoding: "utf8" });
  const chunk = 1000;
  out.write(`${accountsHeader}\n`);
  for (let start = 0; start < rows; start += chunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + chunk); i++) lines.push(accountLine(i));
    if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * The records the importer would write for the file, through the same row schema: the floor's items
 * are built from these, so that both write exactly the same items.
 */
export async function parseAccountsCsv(file: string): Promise<AccountRecord[]> {
  const rows = parse(await readFile(file), { bom: true, columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((raw, i) => {
    const parsed = billingFiles.accounts.schema.safeParse(raw);
    if (!parsed.success) throw new Error(`bench accounts row ${i + 2} is invalid: ${parsed.error.message}`);
    return parsed.data;
  });
}
