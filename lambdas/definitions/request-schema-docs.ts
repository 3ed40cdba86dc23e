import * as z from "zod/mini";
import { encodeBillCursor } from "../domain/customer/bill-cursor";
import {
  accountVerification,
  billing,
  billsCursor,
  billVerification,
  challengeCodeRequest,
  confirmationRequest,
  enrollmentRequest,
} from "./request-schemas";

/**
 * The descriptions and examples of the request schemas (request-schemas.ts), for the OpenAPI
 * document only: importing this module registers them in zod's global registry, as `z.meta` would
 * have on the schemas themselves, where every function bundled them without ever reading them.
 * openapi.ts and schemas.ts import it; no handler does.
 */
function document(schema: z.core.$ZodType, meta: z.core.GlobalMeta): void {
  // What z.meta does when it attaches: merged over what the schema already has.
  z.globalRegistry.add(schema, { ...(z.globalRegistry.get(schema) ?? {}), ...meta });
}

const tokenExample = "q3Jv0mXxS1yM2kq0wq3yT9mN4mZ3aV7p2Lr8cXk1bGc";

// One schema for both forms' customer number: documented once.
document(billVerification.shape.customerNumber, {
  description: "Numéro de client de 7 chiffres / 7-digit customer number",
  example: "1234567",
});
document(billVerification.shape.accessCode, {
  description: "Code d'accès de 5 chiffres de la facture papier / 5-digit access code",
  example: "12345",
});
document(accountVerification.shape.phone, {
  description: "10 digits with the area code",
  example: "4505551234",
});
document(accountVerification.shape.postalCode, { example: "J4K1A1" });
document(accountVerification.shape.lastDebitAmount, {
  description: 'Last amount debited from the bank account: 84.37, "84.37" or "84,37"',
  example: "84.37",
});
document(challengeCodeRequest.shape.code, {
  description: "Code de 6 chiffres reçu par courriel / 6-digit code from the e-mail",
  example: "123456",
});
document(enrollmentRequest.shape.verificationToken, {
  description: "Le jeton de la vérification réussie / The token of the successful verification",
  example: tokenExample,
});
document(confirmationRequest.shape.token, {
  description: "Le jeton du lien de confirmation / The token of the confirmation link",
  example: tokenExample,
});
document(billing, { description: "Factures électroniques ou papier / Electronic or paper bills" });
document(billsCursor, {
  description:
    "Curseur opaque de la page suivante, tel que reçu dans `next` / Opaque cursor of the next page, " +
    "as received in `next`",
  example: encodeBillCursor("1234567", { billingDate: "2026-11-20", billId: "B-2026-11-1234567" }),
});
