import { addDays } from "./dates";

/**
 * Facts about the billing records that the functions use, apart from the importer's zod row schemas
 * (billing-records.ts): a schema built at module top level is kept by the bundler wherever the module
 * is imported, so the API functions would carry zod for a regular expression and a date sum.
 */

/** A bill or contract id: what the importer accepts, and so all that a stored id can be. */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The date a bill becomes available online and its notice is due: billing date + the delay. */
export function availableOn(billingDate: string, noticeDelayDays: number): string {
  return addDays(billingDate, noticeDelayDays);
}
