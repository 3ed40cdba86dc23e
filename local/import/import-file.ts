import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parse } from "csv-parse";
import { existingKeys } from "../../lambdas/adapters/batch-reader";
import { BATCH_SIZE, putBatch } from "../../lambdas/adapters/batch-writer";
import { accountItem, billItem, contractItem } from "../../lambdas/adapters/billing-items";
import {
  type AccountRecord,
  type BillingFileKind,
  type BillingRecord,
  type BillRecord,
  billingFiles,
  type ContractRecord,
  checkRow,
  type RowProblem,
} from "../../lambdas/domain/billing-records";
import { type RemovalDeps, removeProfile } from "../../lambdas/domain/customer/remove-profile";
import type { KeyRing } from "../../lambdas/domain/key-ring";

export interface ImportTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tables: { readonly accounts: string; readonly bills: string; readonly contracts: string };
  /** The pepper's key ring: every account is hashed with its current version (a re-import re-hashes). */
  readonly pepper: KeyRing;
  readonly noticeDelayDays: number;
  /**
   * The profiles table and the user pool: an account imported `closed` loses its online profile
   * (contract §5: removeProfile, no e-mail). Absent only in targets made for tests and benchmarks
   * that import no closed account with a profile.
   */
  readonly removal?: RemovalDeps;
}

/** A bad field of a refused row; a row with several bad fields gives one of these for each. */
export interface RejectedRow extends RowProblem {
  readonly line: number;
}

export interface ImportOptions {
  readonly kind: BillingFileKind;
  readonly file: string;
  readonly target: ImportTarget;
  readonly dryRun?: boolean;
  /** Batches in flight at once. */
  readonly concurrency?: number;
  readonly now?: Date;
  readonly onRejected?: (row: RejectedRow) => void;
  readonly onWarning?: (message: string) => void;
  /** Bytes of the file read so far, and its size. */
  readonly onProgress?: (read: number, total: number) => void;
}

/** A row replaced by a later row of the same key (the last one wins). */
export interface DuplicateRow {
  /** The later line, whose values the table holds (unless a still later one replaced it too). */
  readonly line: number;
  /** The earlier line it replaced. */
  readonly replaced: number;
  readonly key: string;
}

/**
 * What an import did, row by row: every data row is counted once, as imported, rejected or replaced
 * by a later duplicate (so imported + rejected + duplicates.length is the number of rows read).
 */
export interface ImportSummary {
  /** Items written: a key on several lines is one item, counted once. */
  readonly imported: number;
  /** Rows refused (bad fields, unknown customer, a write DynamoDB did not accept): none written. */
  readonly rejected: number;
  /** Rows whose item a later row of the file replaced, in line order. */
  readonly duplicates: readonly DuplicateRow[];
}

/**
 * The file cannot be imported (missing, empty, wrong header) or stops being readable part-way
 * (broken CSV): what was written before the broken line is in `summary`.
 */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly summary: ImportSummary = { imported: 0, rejected: 0, duplicates: [] },
  ) {
    super(message);
    this.name = "ImportFileError";
  }
}

/** Duplicates named in the summary line; the warnings name each of them anyway. */
const DUPLICATES_NAMED = 3;

/**
 * The line that ends a run (contract: `imported N, rejected M`), with the duplicates named:
 * `imported 2, rejected 0 (1 duplicate: line 3 replaced line 2, key 9900001)`.
 */
export function summaryLine(summary: ImportSummary, options: { readonly dryRun?: boolean } = {}): string {
  const notes: string[] = [];
  const { duplicates } = summary;
  if (duplicates.length > 0) {
    const named = duplicates
      .slice(0, DUPLICATES_NAMED)
      .map((d) => `line ${d.line} replaced line ${d.replaced}, key ${d.key}`);
    const more = duplicates.length - named.length;
    if (more > 0) named.push(`${more} more in the warnings`);
    notes.push(`${duplicates.length} duplicate${duplicates.length === 1 ? "" : "s"}: ${named.join("; ")}`);
  }
  if (options.dryRun) notes.push("dry run: nothing written");
  const tail = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  return `imported ${summary.imported}, rejected ${summary.rejected}${tail}`;
}

interface PendingRow {
  /** The last line of this key in the batch; `superseded` holds the batch's earlier ones. */
  line: number;
  readonly key: string;
  record: BillingRecord;
  /** Earlier lines of the same key in this batch, replaced in place before anything was written. */
  readonly superseded: number[];
  settled: boolean;
}

interface Batch {
  readonly seq: number;
  readonly rows: PendingRow[];
  /** Earlier batches holding a key this one rewrites: they must land first, so the last row wins. */
  readonly after: Set<number>;
}

/** Every key seen in the file: its last line, the batch that holds it, the last line written. */
interface SeenKey {
  line: number;
  seq: number;
  written?: number;
}

/**
 * What the import says about each line, said in line order. A row's fate is known only once its
 * batch is written, and batches finish in any order: what is said about a line waits until every
 * earlier line is settled. Only the lines since the oldest unsettled row are held.
 */
class LineReport {
  /** Lines in the order read; null while the line's row is not settled. */
  private readonly lines = new Map<number, (() => void)[] | null>();

  hold(line: number): void {
    this.lines.set(line, null);
  }

  settle(line: number, ...said: (() => void)[]): void {
    this.lines.set(line, said);
    for (const [held, sayings] of this.lines) {
      if (sayings === null) return;
      this.lines.delete(held);
      for (const say of sayings) say();
    }
  }
}

/**
 * Streams a billing-system CSV into its table: each row checked by its zod schema, bad rows reported
 * with line, field and reason and never written, good rows put by BatchWriteItem (idempotent upserts,
 * UnprocessedItems retried), a bounded number of batches in flight so memory stays flat. Rejections
 * and warnings come in line order; the summary counts items written, and names the duplicates.
 */
export async function importBillingFile(options: ImportOptions): Promise<ImportSummary> {
  const spec = billingFiles[options.kind];
  const { target } = options;
  const now = options.now ?? new Date();
  const concurrency = options.concurrency ?? 4;
  const reject = options.onRejected ?? (() => undefined);
  const warn = options.onWarning ?? (() => undefined);

  const size = await fileSize(options.file);
  const tableName = target.tables[options.kind];
  await assertTableReachable(target.client, tableName);

  let imported = 0;
  let rejected = 0;
  const duplicates: DuplicateRow[] = [];
  const summary = (): ImportSummary => ({
    imported,
    rejected,
    duplicates: duplicates.sort((a, b) => a.line - b.line),
  });
  const report = new LineReport();
  const seen = new Map<string, SeenKey>();
  const inFlight = new Map<number, Promise<void>>();
  let seq = 0;
  let current: Batch = { seq, rows: [], after: new Set() };

  const toItem = (record: BillingRecord): Record<string, unknown> => {
    switch (options.kind) {
      case "accounts":
        return { ...accountItem(record as AccountRecord, target.pepper, now) };
      case "bills":
        return { ...billItem(record as BillRecord, target.noticeDelayDays, now) };
      case "contracts":
        return { ...contractItem(record as ContractRecord, now) };
    }
  };

  /** A row not written: its lines (the superseded ones too) are rejected with the reason. */
  const rejectRow = (row: PendingRow, field: string, reason: string): void => {
    if (row.settled) return;
    row.settled = true;
    for (const line of [...row.superseded, row.line]) {
      rejected++;
      report.settle(line, () => reject({ line, field, reason }));
    }
  };

  /** A row written: one more item unless its key was written before; each earlier line replaced. */
  const rowWritten = (row: PendingRow): void => {
    if (row.settled) return;
    row.settled = true;
    const key = seen.get(row.key) as SeenKey;
    if (key.written === undefined) imported++;
    let previous = key.written;
    for (const line of [...row.superseded, row.line]) {
      const replaced = previous;
      if (replaced === undefined) report.settle(line);
      else {
        duplicates.push({ line, replaced, key: row.key });
        report.settle(line, () =>
          warn(`line ${line}: ${spec.keyLabel} ${row.key} also on line ${replaced}; the last one wins`),
        );
      }
      previous = line;
    }
    key.written = row.line;
  };

  const writeBatch = async (batch: Batch): Promise<void> => {
    await Promise.all([...batch.after].map((s) => inFlight.get(s)));
    let rows = batch.rows;
    if (options.kind !== "accounts") {
      // A bill or contract must belong to a known account.
      const numbers = rows.map((r) => (r.record as BillRecord | ContractRecord).customerNumber);
      const known = await existingKeys(target.client, target.tables.accounts, "customerNumber", numbers);
      rows = rows.filter((r) => {
        if (known.has((r.record as BillRecord | ContractRecord).customerNumber)) return true;
        rejectRow(r, "customerNumber", "no account has this customer number (import accounts first)");
        return false;
      });
    }
    if (rows.length === 0) return;
    if (options.dryRun) {
      for (const r of rows) rowWritten(r);
      return;
    }
    const result = await putBatch(
      target.client,
      tableName,
      rows.map((r) => toItem(r.record)),
    );
    // Unprocessed items are the items we sent only by value: match them to rows by key.
    const failedKeys = new Set(result.unprocessed.map((item) => keyOfItem(options.kind, item)));
    for (const r of rows) {
      if (failedKeys.has(keyOfItem(options.kind, toItem(r.record)))) {
        rejectRow(
          r,
          "(row)",
          `DynamoDB did not accept the write after ${result.attempts} attempts; import the file again`,
        );
      } else if (await closedProfileRevoked(r)) rowWritten(r);
    }
  };

  /**
   * A closed account (written already, so it verifies like an unknown one from now on) loses its
   * online profile: tokens refused, users deleted, paper, no notice. A failure rejects the row, and
   * importing the file again finishes it (removeProfile is idempotent).
   */
  const closedProfileRevoked = async (row: PendingRow): Promise<boolean> => {
    if (options.kind !== "accounts" || (row.record as AccountRecord).status !== "closed") return true;
    if (!target.removal) return true;
    try {
      await removeProfile(row.key, "closed", target.removal);
      return true;
    } catch (error) {
      rejectRow(
        row,
        "status",
        `the account is closed but its online profile could not be revoked (${error instanceof Error ? error.name : String(error)}); import the file again`,
      );
      return false;
    }
  };

  const dispatch = async () => {
    const batch = current;
    seq++;
    current = { seq, rows: [], after: new Set() };
    if (batch.rows.length === 0) return;
    const promise = writeBatch(batch).catch((error: unknown) => {
      const reason = `write failed: ${error instanceof Error ? error.name : String(error)}`;
      for (const r of batch.rows) rejectRow(r, "(row)", reason);
    });
    inFlight.set(batch.seq, promise);
    void promise.finally(() => inFlight.delete(batch.seq));
    while (inFlight.size >= concurrency) await Promise.race(inFlight.values());
  };

  let read = 0;
  const stream = createReadStream(options.file);
  stream.on("data", (chunk) => {
    read += chunk.length;
    options.onProgress?.(read, size);
  });
  const parser = stream.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_empty_values: false,
      // A broken record is reported as "skip" rather than thrown: a thrown error would also drop
      // the good records parsed before it and not yet read here. The import still stops there.
      skip_records_with_error: true,
    }),
  );
  type CsvError = { readonly code?: string; readonly lines?: number; readonly message?: string };
  let broken: CsvError | undefined;
  parser.on("skip", (error: CsvError) => {
    broken ??= error;
  });
  /** Stops at a line the CSV parser cannot read, once what came before it is written. */
  const stopAt = async (e: CsvError): Promise<never> => {
    await dispatch();
    await Promise.all(inFlight.values());
    rejected++;
    throw new ImportFileError(
      `line ${e.lines ?? "?"}: the CSV cannot be read (${e.message ?? e.code}); nothing after it was imported`,
      summary(),
    );
  };

  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = info.lines;
      if (broken && line >= (broken.lines ?? 0)) break;
      if (record.length === 1 && (record[0] ?? "").trim() === "") continue; // a line of blanks
      if (header === null) {
        header = record.map((h) => h.trim());
        checkHeader(options.kind, header);
        continue;
      }
      if (record.length !== header.length) {
        rejected++;
        const reason = `expected ${header.length} columns, found ${record.length}`;
        report.settle(line, () => reject({ line, field: "(row)", reason }));
        continue;
      }
      const checked = checkRow(options.kind, Object.fromEntries(header.map((h, i) => [h, record[i] ?? ""])));
      if (!checked.ok) {
        rejected++;
        report.settle(line, ...checked.problems.map((problem) => () => reject({ line, ...problem })));
        continue;
      }
      const key = (spec.key as (r: BillingRecord) => string)(checked.record);
      report.hold(line);
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, { line, seq: current.seq });
      else {
        if (earlier.seq === current.seq) {
          // Already in this batch (not yet written): this row replaces it there.
          const row = current.rows.find((r) => r.key === key);
          if (row) {
            row.superseded.push(row.line);
            row.line = line;
            row.record = checked.record;
            earlier.line = line;
            continue;
          }
        } else current.after.add(earlier.seq);
        earlier.line = line;
        earlier.seq = current.seq;
      }
      current.rows.push({ line, key, record: checked.record, superseded: [], settled: false });
      if (current.rows.length >= BATCH_SIZE) await dispatch();
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const e = error as CsvError;
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) await stopAt(e);
    throw error;
  }
  if (broken) await stopAt(broken);
  if (header === null) {
    throw new ImportFileError(
      `the file is empty: expected the header ${expectedHeader(options.kind).join(",")}`,
    );
  }
  await dispatch();
  await Promise.all(inFlight.values());
  return summary();
}

function keyOfItem(kind: BillingFileKind, item: Record<string, unknown>): string {
  return kind === "bills"
    ? `${String(item.customerNumber)}/${String(item.billId)}`
    : String(item.customerNumber);
}

function expectedHeader(kind: BillingFileKind): string[] {
  return [...billingFiles[kind].columns];
}

function checkHeader(kind: BillingFileKind, header: readonly string[]): void {
  const spec = billingFiles[kind];
  const expected = expectedHeader(kind);
  const optional: readonly string[] = spec.optionalLastColumns;
  // The required columns, then a prefix of the optional ones, in their order.
  const accepted = optional.map((_, i) => [...expected, ...optional.slice(0, i + 1)]);
  const same = (a: readonly string[]) => a.length === header.length && a.every((h, i) => h === header[i]);
  if (same(expected) || accepted.some(same)) return;
  const allowed =
    optional.length > 0
      ? `${expected.join(",")} (and optionally ,${optional.join(",")}, in that order)`
      : expected.join(",");
  throw new ImportFileError(`line 1: the header must be ${allowed}; found ${header.join(",")}`);
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ImportFileError(`${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const code = (error as { code?: string }).code;
    throw new ImportFileError(
      code === "ENOENT" ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(error)})`,
    );
  }
}

async function assertTableReachable(client: DynamoDBDocumentClient, table: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (error) {
    const name = error instanceof Error ? error.name : String(error);
    if (name === "ResourceNotFoundException") throw new ImportFileError(`the table ${table} does not exist`);
    throw new ImportFileError(`DynamoDB cannot be reached (${name}): is the stack running?`);
  }
}
