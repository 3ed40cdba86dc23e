import { IDENTIFIER } from "../billing-facts";
import { isCalendarDate } from "../dates";
import type { BillPosition } from "./ports";

/**
 * The `next` cursor of GET /v1/me/bills: where the following page starts, as the position of the last
 * bill the list reached (its billing date and id, the sort keys of the customer's bills), bound to the
 * customer it was issued to.
 *
 * Opaque (base64url of JSON) but not secret, and not signed: the partition of every Query is the
 * signed-in customer's number from the authorizer, never the cursor's, so no cursor, however made,
 * can reach another customer's bills. What the cursor may name is then checked instead of signed:
 * its customer must be the signed-in one, its shape exact, and (in listBills) its bill one of that
 * customer's real bills with that billing date. An altered cursor that survives all of this names
 * another genuine position in the customer's own list, which the customer could have reached anyway.
 * A signature would need a key in the me-bills function (a secret, its grant, its rotation) to
 * prevent only that.
 */

/** The cursor of a position in the customer's list. */
export function encodeBillCursor(customerNumber: string, position: BillPosition): string {
  return Buffer.from(
    JSON.stringify([customerNumber, position.billingDate, position.billId]),
    "utf8",
  ).toString("base64url");
}

/** The position a cursor names, or null when it is not a cursor issued to this customer. */
export function decodeBillCursor(cursor: string, customerNumber: string): BillPosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const bytes = Buffer.from(cursor, "base64url");
  // Node decodes leniently (stray trailing bits, a truncated last group): only the canonical form
  // of some bytes is a cursor, so that a changed character never decodes to the same position.
  if (bytes.toString("base64url") !== cursor) return null;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [owner, billingDate, billId] = value as unknown[];
  if (owner !== customerNumber) return null;
  if (typeof billingDate !== "string" || !isCalendarDate(billingDate)) return null;
  if (typeof billId !== "string" || !IDENTIFIER.test(billId)) return null;
  return { billingDate, billId };
}
