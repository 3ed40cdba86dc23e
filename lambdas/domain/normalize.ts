/**
 * Normalization of the verification factors, shared by the importer and the verification API so that
 * what a customer types ("(514) 555-1234", "h2x 1y4", "84,37") matches what the billing system sent.
 * Each function returns the canonical form, or null when the value cannot be one.
 */

export const CUSTOMER_NUMBER = /^\d{7}$/;
export const ACCESS_CODE = /^\d{5}$/;

export function normalizeCustomerNumber(value: string): string | null {
  const trimmed = value.trim();
  return CUSTOMER_NUMBER.test(trimmed) ? trimmed : null;
}

export function normalizeAccessCode(value: string): string | null {
  const trimmed = value.trim();
  return ACCESS_CODE.test(trimmed) ? trimmed : null;
}

/** 10 digits with the area code: spaces, dashes, dots, parentheses and a leading +1 or 1 removed. */
export function normalizePhone(value: string): string | null {
  let digits = value.trim().replace(/[\s\-.()]/g, "");
  if (digits.startsWith("+1")) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith("1")) digits = digits.slice(1);
  return /^\d{10}$/.test(digits) ? digits : null;
}

/**
 * Canadian postal code "A1A1A1": case-insensitive, one space or dash tolerated in the middle.
 * Letters D, F, I, O, Q, U never appear, and W, Z never first (Canada Post's rules).
 */
const POSTAL_CODE = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/;

export function normalizePostalCode(value: string): string | null {
  const match = /^([A-Za-z]\d[A-Za-z])[ -]?(\d[A-Za-z]\d)$/.exec(value.trim());
  if (!match) return null;
  const code = `${match[1]}${match[2]}`.toUpperCase();
  return POSTAL_CODE.test(code) ? code : null;
}
