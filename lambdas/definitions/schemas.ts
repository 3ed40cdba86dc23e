import * as z from "zod";
import { encodeBillCursor } from "../domain/customer/bill-cursor";
import { parseCents } from "../domain/money";
import { ACCESS_CODE, CUSTOMER_NUMBER, normalizePhone, normalizePostalCode } from "../domain/normalize";
import { BILLS_PAGE_SIZE, MAX_BILLS_CURSOR_LENGTH } from "./limits";

/**
 * The request and response bodies of the API: the handlers' only validation, and the source of the
 * OpenAPI document. A message in CAPITALS is the field error code the client receives.
 */

function normalized<T>(normalize: (value: string) => T | null, maxLength: number) {
  return z
    .string()
    .max(maxLength, "INVALID_FORMAT")
    .transform((value, ctx) => {
      const out = normalize(value);
      if (out === null) {
        ctx.addIssue({ code: "custom", message: "INVALID_FORMAT" });
        return z.NEVER;
      }
      return out;
    });
}

const customerNumber = z.string().regex(CUSTOMER_NUMBER, "INVALID_FORMAT").meta({
  description: "Numéro de client de 7 chiffres / 7-digit customer number",
  example: "1234567",
});

export const billVerification = z.strictObject({
  method: z.literal("bill"),
  customerNumber,
  accessCode: z.string().regex(ACCESS_CODE, "INVALID_FORMAT").meta({
    description: "Code d'accès de 5 chiffres de la facture papier / 5-digit access code",
    example: "12345",
  }),
});

export const accountVerification = z.strictObject({
  method: z.literal("account"),
  customerNumber,
  phone: normalized(normalizePhone, 40).meta({
    description: "10 digits with the area code",
    example: "4505551234",
  }),
  postalCode: normalized(normalizePostalCode, 10).meta({ example: "J4K1A1" }),
  lastDebitAmount: z
    .union([z.number(), z.string().max(20)])
    .transform((value, ctx) => {
      const cents = parseCents(value, { allowNegative: false });
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: "INVALID_FORMAT" });
        return z.NEVER;
      }
      return cents;
    })
    .meta({
      description: 'Last amount debited from the bank account: 84.37, "84.37" or "84,37"',
      example: "84.37",
    }),
});

export const verificationRequest = z.discriminatedUnion("method", [billVerification, accountVerification]);

export const verificationResponse = z.object({
  verificationToken: z.string(),
  expiresAt: z.iso.datetime(),
});

/** Step-up (202): the same body whether the data matched or not. */
export const challengeResponse = z.object({
  challengeId: z.string().meta({ description: "Identifiant du défi / challenge id (URL-safe)" }),
  expiresAt: z.iso.datetime(),
});

export const challengeCodeRequest = z.strictObject({
  code: z
    .string()
    .regex(/^\d{6}$/, "INVALID_FORMAT")
    .meta({
      description: "Code de 6 chiffres reçu par courriel / 6-digit code from the e-mail",
      example: "123456",
    }),
});

export const language = z.enum(["fr", "en"]);

/**
 * A token the API handed out. Any string is accepted here: one of the wrong shape is answered 401
 * INVALID_TOKEN by the use case, as an unknown one is (contract, v2); only a missing or non-string
 * value is a 400.
 */
function token(description: string) {
  return z.string().meta({ description, example: "q3Jv0mXxS1yM2kq0wq3yT9mN4mZ3aV7p2Lr8cXk1bGc" });
}

export const enrollmentRequest = z.strictObject({
  verificationToken: token("Le jeton de la vérification réussie / The token of the successful verification"),
  email: z
    .string()
    .trim()
    .max(254, "INVALID_FORMAT")
    .pipe(z.email("INVALID_FORMAT"))
    .transform((v) => v.toLowerCase()),
  password: z.string().min(10, "TOO_SHORT").max(256, "TOO_LONG"),
  language,
});

export const enrollmentResponse = z.object({
  customerNumber: z.string(),
  email: z.string(),
  status: z.literal("PENDING_CONFIRMATION"),
});

export const confirmationRequest = z.strictObject({
  token: token("Le jeton du lien de confirmation / The token of the confirmation link"),
});

export const confirmationResponse = z.object({
  status: z.literal("ACTIVE"),
  billing: z.literal("electronic"),
});

const billing = z.enum(["electronic", "paper"]).meta({
  description: "Factures électroniques ou papier / Electronic or paper bills",
});

/** GET and PATCH /v1/me: the signed-in customer's profile. */
export const meResponse = z.object({
  customerNumber: z.string().meta({ example: "1234567" }),
  email: z.string(),
  language,
  billing,
  status: z.literal("ACTIVE"),
});

/** PATCH /v1/me: only these two fields; any other is refused (UNKNOWN_FIELD). */
export const meUpdateRequest = z.strictObject({
  billing: billing.optional(),
  language: language.optional(),
});

const amount = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: "Montant, deux décimales / Amount, two decimals", example: "84.37" });
const date = z.iso.date().meta({ example: "2026-11-20" });

export const billSummary = z.object({
  billId: z.string().meta({ example: "B-2026-11-1234567" }),
  billingDate: date,
  dueDate: date,
  amountDue: amount,
  balance: amount.meta({
    description: "Solde du compte, négatif s'il est créditeur / Account balance, negative when in credit",
  }),
  availableOn: date.meta({
    description: "Date à laquelle la facture est annoncée / Date the bill is announced",
  }),
});

const documentUrl = z.url().meta({
  description:
    "Lien de courte durée (5 minutes) vers le PDF, pour l'afficher ou l'imprimer / Short-lived link " +
    "(5 minutes) to the PDF, to view or print it",
});

const billsCursor = z
  .string()
  .max(MAX_BILLS_CURSOR_LENGTH, "INVALID_FORMAT")
  .regex(/^[A-Za-z0-9_-]+$/, "INVALID_FORMAT")
  .meta({
    description:
      "Curseur opaque de la page suivante, tel que reçu dans `next` / Opaque cursor of the next page, " +
      "as received in `next`",
    example: encodeBillCursor("1234567", { billingDate: "2026-11-20", billId: "B-2026-11-1234567" }),
  });

/** GET /v1/me/bills: its query string (other parameters are ignored, as a cache-buster would be). */
export const billsQuery = z.object({ next: billsCursor.optional() });

export const billsResponse = z.object({
  bills: z.array(billSummary),
  next: billsCursor.nullable().meta({
    description:
      `Curseur de la page suivante (${BILLS_PAGE_SIZE} factures par page), null à la dernière / Cursor of ` +
      `the next page (${BILLS_PAGE_SIZE} bills a page), null on the last one`,
  }),
});

export const billResponse = billSummary.extend({ documentUrl: documentUrl.optional() });

export const contractResponse = z.object({
  contractId: z.string().meta({ example: "C-1234567" }),
  startDate: date,
  endDate: date.nullable(),
  services: z.array(z.object({ name: z.string(), monthlyPrice: amount })),
  documentUrl: documentUrl.optional(),
});

const instant = z.iso.datetime().meta({ example: "2026-11-20T14:03:12.345Z" });
const documentKey = z.string().nullable().meta({
  description:
    "Nom du PDF chez le système de facturation (pas un lien) / Name of the PDF at the billing system (not a link)",
});

/** A verification attempt as the export shows it (the source address masked). */
export const exportedVerificationEvent = z.strictObject({
  kind: z.literal("verification"),
  at: instant,
  outcome: z.string(),
  method: z.string(),
  sourceIp: z.string().nullable(),
});

/** A support action as the export shows it (without the employee who took it). */
export const exportedSupportEvent = z.strictObject({
  kind: z.literal("support"),
  at: instant,
  action: z.string(),
  outcome: z.string(),
});

/**
 * GET /v1/me/export: everything held about the customer (lambdas/domain/customer/export.ts). Strict:
 * a field the shaping adds without its line here fails the unit test, so the document never grows a
 * field nobody described.
 */
export const exportResponse = z.strictObject({
  exportedAt: instant,
  customerNumber: z.string().meta({ example: "1234567" }),
  account: z
    .strictObject({
      fullName: z.string(),
      language,
      contactEmail: z.string().nullable(),
      status: z.enum(["active", "closed"]),
      balance: amount,
      importedAt: instant.nullable(),
    })
    .nullable()
    .meta({
      description: "Le compte tel que le système de facturation l'a envoyé / The billing system's account",
    }),
  profile: z.strictObject({
    status: z.string().nullable(),
    email: z.string().nullable(),
    language: language.nullable(),
    billing: billing.nullable(),
    activatedAt: instant.nullable(),
    electronicSince: instant.nullable(),
    emailVerified: z.boolean(),
    emailUndeliverable: z.boolean(),
    supportFlag: z.string().nullable(),
    flaggedAt: instant.nullable(),
    tokensRevokedAt: instant.nullable(),
    updatedAt: instant.nullable(),
    pendingEmail: z.string().nullable(),
    enrollmentEmails: z.array(z.string()),
  }),
  bills: z.array(
    z.strictObject({
      billId: z.string(),
      billingDate: date,
      dueDate: date,
      amountDue: amount,
      balance: amount,
      availableOn: date,
      documentKey,
    }),
  ),
  contract: z
    .strictObject({
      contractId: z.string(),
      startDate: date,
      endDate: date.nullable(),
      services: z.array(z.strictObject({ name: z.string(), monthlyPrice: amount })),
      documentKey,
    })
    .nullable(),
  notices: z.array(
    z.strictObject({
      billId: z.string(),
      state: z.string(),
      claimedAt: instant.nullable(),
      sentAt: instant.nullable(),
      skippedAt: instant.nullable(),
      skippedReason: z.string().nullable(),
      messageId: z.string().nullable(),
    }),
  ),
  events: z.array(z.discriminatedUnion("kind", [exportedVerificationEvent, exportedSupportEvent])),
  notes: z.strictObject({
    verificationFactors: z.string(),
    password: z.string(),
    documents: z.string(),
    events: z.string(),
    shortLived: z.string(),
    retention: z.array(z.strictObject({ data: z.string(), kept: z.string(), why: z.string() })),
  }),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string() })).optional(),
  }),
});
