import * as z from "zod";
import { IDENTIFIER } from "./billing-facts";
import { isCalendarDate } from "./dates";
import { parseCents } from "./money";
import {
  normalizeAccessCode,
  normalizeCustomerNumber,
  normalizePhone,
  normalizePostalCode,
} from "./normalize";

/**
 * The billing system's records (contract section 5) and the zod schema of each CSV row. A schema's
 * messages are the reasons an operator reads next to the line number of a refused row.
 */

export interface AccountRecord {
  readonly customerNumber: string;
  readonly accessCode: string;
  readonly phone: string;
  readonly postalCode: string;
  readonly lastDebitCents: number;
  readonly language: "fr" | "en";
  readonly balanceCents: number;
  readonly fullName: string;
  /** The e-mail address on file at the billing system: step-up codes and "was this you?" go there. */
  readonly contactEmail?: string;
  /** A closed account verifies like an unknown one (contract §5). */
  readonly status: AccountStatus;
}

export type AccountStatus = "active" | "closed";

export interface BillRecord {
  readonly billId: string;
  readonly customerNumber: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDueCents: number;
  readonly balanceCents: number;
  readonly documentKey?: string;
}

export interface ContractService {
  readonly name: string;
  readonly monthlyPriceCents: number;
}

export interface ContractRecord {
  readonly contractId: string;
  readonly customerNumber: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly services: readonly ContractService[];
  readonly documentKey?: string;
}

function normalized(normalize: (v: string) => string | null, reason: string) {
  return z.string().transform((value, ctx) => {
    const out = normalize(value);
    if (out === null) {
      ctx.addIssue({ code: "custom", message: reason });
      return z.NEVER;
    }
    return out;
  });
}

function cents(reason: string, allowNegative: boolean) {
  return normalized((v) => {
    const c = parseCents(v, { allowNegative });
    return c === null ? null : String(c);
  }, reason).transform(Number);
}

const customerNumber = normalized(normalizeCustomerNumber, "must be exactly 7 digits");
const calendarDate = z.string().trim().refine(isCalendarDate, "must be a real date written YYYY-MM-DD");
const identifier = (what: string) =>
  z.string().trim().regex(IDENTIFIER, `${what} must be 1 to 64 letters, digits, dots, dashes or underscores`);
/** A key in the documents bucket: relative, no "..", no odd characters. */
const documentKey = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .refine(
    (v) => v === undefined || (/^[A-Za-z0-9][A-Za-z0-9/._-]{0,255}$/.test(v) && !v.split("/").includes("..")),
    "must be a relative key of letters, digits, '/', '.', '-' or '_'",
  );

/**
 * For a check across fields: it runs when those fields are valid, even if others are not, so that a
 * refused row lists every bad field at once (zod skips such checks after any issue otherwise).
 */
function validFields(...fields: readonly string[]) {
  return (payload: { readonly issues: readonly { readonly path?: readonly PropertyKey[] }[] }) =>
    !payload.issues.some((issue) => !issue.path?.length || fields.includes(String(issue.path[0])));
}

export const accountRow = z
  .object({
    customerNumber,
    accessCode: normalized(normalizeAccessCode, "must be exactly 5 digits"),
    phone: normalized(normalizePhone, "must be a 10-digit phone number with the area code"),
    postalCode: normalized(normalizePostalCode, "must be a Canadian postal code like A1A1A1"),
    lastDebitAmount: cents("must be a positive amount with at most two decimals", false),
    language: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["fr", "en"], { error: "must be fr or en" })),
    balance: cents("must be an amount with at most two decimals (negative when in credit)", true),
    fullName: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    contactEmail: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.union([z.literal(""), z.email({ error: "must be an e-mail address, or empty" }).max(254)]))
      .optional(),
    status: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["", "active", "closed"], { error: "must be active, closed, or empty (active)" }))
      .optional(),
  })
  .transform(
    (r): AccountRecord => ({
      customerNumber: r.customerNumber,
      accessCode: r.accessCode,
      phone: r.phone,
      postalCode: r.postalCode,
      lastDebitCents: r.lastDebitAmount,
      language: r.language,
      balanceCents: r.balance,
      fullName: r.fullName,
      ...(r.contactEmail ? { contactEmail: r.contactEmail } : {}),
      status: r.status === "closed" ? "closed" : "active",
    }),
  );

export const billRow = z
  .object({
    billId: identifier("billId"),
    customerNumber,
    billingDate: calendarDate,
    dueDate: calendarDate,
    amountDue: cents("must be an amount with at most two decimals", true),
    balance: cents("must be an amount with at most two decimals (negative when in credit)", true),
    documentKey: documentKey.optional(),
  })
  .refine((r) => r.dueDate >= r.billingDate, {
    path: ["dueDate"],
    message: "must not be before billingDate",
    when: validFields("billingDate", "dueDate"),
  })
  .transform(
    (r): BillRecord => ({
      billId: r.billId,
      customerNumber: r.customerNumber,
      billingDate: r.billingDate,
      dueDate: r.dueDate,
      amountDueCents: r.amountDue,
      balanceCents: r.balance,
      ...(r.documentKey ? { documentKey: r.documentKey } : {}),
    }),
  );

/** "Internet 120:55.00|Télé de base:32.50": services separated by "|", each "name:monthly price". */
function parseServices(value: string): ContractService[] | null {
  const services: ContractService[] = [];
  for (const part of value.split("|")) {
    const at = part.lastIndexOf(":");
    if (at <= 0) return null;
    const name = part.slice(0, at).trim();
    const price = parseCents(part.slice(at + 1), { allowNegative: false });
    if (!name || name.length > 100 || price === null) return null;
    services.push({ name, monthlyPriceCents: price });
  }
  return services.length > 0 ? services : null;
}

export const contractRow = z
  .object({
    contractId: identifier("contractId"),
    customerNumber,
    startDate: calendarDate,
    endDate: z
      .string()
      .trim()
      .refine((v) => v === "" || isCalendarDate(v), "must be empty or a real date written YYYY-MM-DD"),
    services: z.string().transform((value, ctx) => {
      const services = parseServices(value);
      if (services === null) {
        ctx.addIssue({
          code: "custom",
          message: 'must be "name:price" entries separated by "|", prices like 55.00',
        });
        return z.NEVER;
      }
      return services;
    }),
    documentKey: documentKey.optional(),
  })
  .refine((r) => r.endDate === "" || r.endDate >= r.startDate, {
    path: ["endDate"],
    message: "must not be before startDate",
    when: validFields("startDate", "endDate"),
  })
  .transform(
    (r): ContractRecord => ({
      contractId: r.contractId,
      customerNumber: r.customerNumber,
      startDate: r.startDate,
      endDate: r.endDate === "" ? null : r.endDate,
      services: r.services,
      ...(r.documentKey ? { documentKey: r.documentKey } : {}),
    }),
  );

/**
 * The three files: their columns in order, the optional last ones (a file may carry the first of
 * them, or the first two, and so on, in that order), their row schema and their key.
 */
export const billingFiles = {
  accounts: {
    columns: [
      "customerNumber",
      "accessCode",
      "phone",
      "postalCode",
      "lastDebitAmount",
      "language",
      "balance",
      "fullName",
    ],
    optionalLastColumns: ["contactEmail", "status"],
    schema: accountRow,
    key: (r: AccountRecord) => r.customerNumber,
    keyLabel: "customerNumber",
  },
  bills: {
    columns: ["billId", "customerNumber", "billingDate", "dueDate", "amountDue", "balance"],
    optionalLastColumns: ["documentKey"],
    schema: billRow,
    key: (r: BillRecord) => `${r.customerNumber}/${r.billId}`,
    keyLabel: "customerNumber/billId",
  },
  contracts: {
    columns: ["contractId", "customerNumber", "startDate", "endDate", "services"],
    optionalLastColumns: ["documentKey"],
    schema: contractRow,
    key: (r: ContractRecord) => r.customerNumber,
    keyLabel: "customerNumber (one contract per customer)",
  },
} as const;

export type BillingFileKind = keyof typeof billingFiles;

export type BillingRecord = AccountRecord | BillRecord | ContractRecord;

/** A bad field of a refused row, as the operator reads it next to the line number. */
export interface RowProblem {
  readonly field: string;
  readonly reason: string;
}

export type RowCheck =
  | { readonly ok: true; readonly record: BillingRecord }
  | { readonly ok: false; readonly problems: readonly RowProblem[] };

/**
 * Checks one row (strings keyed by column name) against its file's schema: the record, or every bad
 * field of the row, once each, in column order, so that one pass over the file shows all to fix.
 */
export function checkRow(kind: BillingFileKind, row: Readonly<Record<string, string>>): RowCheck {
  const spec = billingFiles[kind];
  const parsed = spec.schema.safeParse(row);
  if (parsed.success) return { ok: true, record: parsed.data };
  const columns: readonly string[] = [...spec.columns, ...spec.optionalLastColumns];
  const byField = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "(row)";
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  const rank = (field: string) => {
    const i = columns.indexOf(field);
    return i === -1 ? columns.length : i;
  };
  return {
    ok: false,
    problems: [...byField]
      .map(([field, reason]) => ({ field, reason }))
      .sort((a, b) => rank(a.field) - rank(b.field)),
  };
}

export function isBillingFileKind(value: string): value is BillingFileKind {
  return Object.hasOwn(billingFiles, value);
}
