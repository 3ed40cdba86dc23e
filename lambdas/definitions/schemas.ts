import * as z from "zod";
import { BILLS_PAGE_SIZE } from "./limits";
import { billing, billsCursor, language } from "./request-schemas";
// The request schemas' descriptions and examples, registered before any schema is converted.
import "./request-schema-docs";

/**
 * The response bodies of the API: with request-schemas.ts (what clients send, which the functions
 * parse) the source of the OpenAPI document. No function bundles this module: it is classic zod,
 * whose schemas the bundler cannot drop, and only the document and the tests read it.
 */

export const verificationResponse = z.object({
  verificationToken: z.string(),
  expiresAt: z.iso.datetime(),
});

/** Step-up (202): the same body whether the data matched or not. */
export const challengeResponse = z.object({
  challengeId: z.string().meta({ description: "Identifiant du défi / challenge id (URL-safe)" }),
  expiresAt: z.iso.datetime(),
});

export const enrollmentResponse = z.object({
  customerNumber: z.string(),
  email: z.string(),
  status: z.literal("PENDING_CONFIRMATION"),
});

export const confirmationResponse = z.object({
  status: z.literal("ACTIVE"),
  billing: z.literal("electronic"),
});

/** GET and PATCH /v1/me: the signed-in customer's profile. */
export const meResponse = z.object({
  customerNumber: z.string().meta({ example: "1234567" }),
  email: z.string(),
  language,
  billing,
  status: z.literal("ACTIVE"),
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

export const billsResponse = z.object({
  bills: z.array(billSummary),
  next: z.nullable(billsCursor).meta({
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
    language: z.nullable(language),
    billing: z.nullable(billing),
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
