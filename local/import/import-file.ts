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

export interface ImportTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tables: { readonly accounts: string; readonly bills: string; readonly contracts: string };
  readonly pepper: Uint8Array;
  readonly noticeDelayDays: number;
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

export interface ImportSummary {
  readonly imported: number;
  readonly rejected: number;
  readonly duplicates: number;
}

/**
 * The file cannot be imported (missing, empty, wrong header) or stops being readable part-way
 * (broken CSV): what was written before the broken line is in `summary`.
 */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly summary: ImportSummary = { imported: 0, rejected: 0, duplicates: 0 },
  ) {
    super(message);
    this.name = "ImportFileError";
  }
}

interface PendingRow {
  readonly line: number;
  readonly key: string;
  record: BillingRecord;
}

interface Batch {
  readonly seq: number;
  readonly rows: PendingRow[];
  /** Earlier batches holding a key this one rewrites: they must land first, so the last row wins. */
  readonly after: Set<number>;
}

/**
 * Streams a billing-system CSV into its table: each row checked by its zod schema, bad rows reported
 * with line, field and reason and never written, good rows put by BatchWriteItem (idempotent upserts,
 * UnprocessedItems retried), a bounded number of batches in flight so memory stays flat.
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
  let duplicates = 0;
  /** Every key seen in this file: its last line and the batch that holds it. */
  const seen = new Map<string, { line: number; seq: number }>();
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

  const writeBatch = async (batch: Batch): Promise<void> => {
    await Promise.all([...batch.after].map((s) => inFlight.get(s)));
    let rows = batch.rows;
    if (options.kind !== "accounts") {
      // A bill or contract must belong to a known account.
      const numbers = rows.map((r) => (r.record as BillRecord | ContractRecord).customerNumber);
      const known = await existingKeys(target.client, target.tables.accounts, "customerNumber", numbers);
      rows = rows.filter((r) => {
        const n = (r.record as BillRecord | ContractRecord).customerNumber;
        if (known.has(n)) return true;
        rejected++;
        reject({
          line: r.line,
          field: "customerNumber",
          reason: "no account has this customer number (import accounts first)",
        });
        return false;
      });
    }
    if (rows.length === 0) return;
    if (options.dryRun) {
      imported += rows.length;
      return;
    }
    const result = await putBatch(
      target.client,
      tableName,
      rows.map((r) => toItem(r.record)),
    );
    const failed = new Set(result.unprocessed);
    const items = rows.length - failed.size;
    imported += items;
    if (failed.size > 0) {
      // Which rows: unprocessed items are the same objects we sent only by value; match by key.
      const failedKeys = new Set(result.unprocessed.map((item) => keyOfItem(options.kind, item)));
      for (const r of rows) {
        if (failedKeys.has(keyOfItem(options.kind, toItem(r.record)))) {
          rejected++;
          reject({
            line: r.line,
            field: "(row)",
            reason: `DynamoDB did not accept the write after ${result.attempts} attempts; import the file again`,
          });
        }
      }
    }
  };

  const dispatch = async () => {
    const batch = current;
    seq++;
    current = { seq, rows: [], after: new Set() };
    if (batch.rows.length === 0) return;
    const promise = writeBatch(batch).catch((error: unknown) => {
      for (const r of batch.rows) {
        rejected++;
        reject({
          line: r.line,
          field: "(row)",
          reason: `write failed: ${error instanceof Error ? error.name : String(error)}`,
        });
      }
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
    }),
  );

  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = info.lines;
      if (record.length === 1 && (record[0] ?? "").trim() === "") continue; // a line of blanks
      if (header === null) {
        header = record.map((h) => h.trim());
        checkHeader(options.kind, header);
        continue;
      }
      if (record.length !== header.length) {
        rejected++;
        reject({ line, field: "(row)", reason: `expected ${header.length} columns, found ${record.length}` });
        continue;
      }
      const checked = checkRow(options.kind, Object.fromEntries(header.map((h, i) => [h, record[i] ?? ""])));
      if (!checked.ok) {
        rejected++;
        for (const problem of checked.problems) reject({ line, ...problem });
        continue;
      }
      const record_ = checked.record;
      const key = (spec.key as (r: BillingRecord) => string)(record_);
      const earlier = seen.get(key);
      if (earlier) {
        duplicates++;
        warn(`line ${line}: ${spec.keyLabel} ${key} also on line ${earlier.line}; the last one wins`);
        if (earlier.seq === current.seq) {
          const row = current.rows.find((r) => r.key === key);
          if (row) {
            row.record = record_;
            imported++; // the earlier row is superseded in place: it counts as applied, then updated
            seen.set(key, { line, seq: current.seq });
            continue;
          }
        } else {
          current.after.add(earlier.seq);
        }
      }
      seen.set(key, { line, seq: current.seq });
      current.rows.push({ line, key, record: record_ });
      if (current.rows.length >= BATCH_SIZE) await dispatch();
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) {
      await Promise.all(inFlight.values());
      throw new ImportFileError(
        `line ${e.lines ?? "?"}: the CSV cannot be read (${e.message ?? e.code}); nothing after it was imported`,
        { imported, rejected: rejected + 1, duplicates },
      );
    }
    throw error;
  }
  if (header === null) {
    throw new ImportFileError(
      `the file is empty: expected the header ${expectedHeader(options.kind).join(",")}`,
    );
  }
  await dispatch();
  await Promise.all(inFlight.values());
  return { imported, rejected, duplicates };
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
  const withOptional = spec.optionalLastColumn ? [...expected, spec.optionalLastColumn] : null;
  const same = (a: readonly string[]) => a.length === header.length && a.every((h, i) => h === header[i]);
  if (same(expected) || (withOptional && same(withOptional))) return;
  const allowed = withOptional
    ? `${expected.join(",")} (and optionally ,${spec.optionalLastColumn})`
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
