/** Money is integer cents inside; strings with two decimals at the edges. */

const AMOUNT = /^(-)?(\d{1,9})(?:[.,](\d{1,2}))?$/;

/**
 * Parses "84.37", "84,37", "84", "84.3" or the number 84.37 into cents (8437). More than two decimals,
 * thousands separators, exponents or a sign where none is allowed give null.
 */
export function parseCents(value: string | number, options: { allowNegative?: boolean } = {}): number | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else {
    text = value.trim();
  }
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const [, sign, units = "0", decimals = ""] = match;
  if (sign && !options.allowNegative) return null;
  const cents = Number(units) * 100 + Number(decimals.padEnd(2, "0"));
  return sign ? -cents : cents;
}

/** 8437 → "84.37"; -1250 → "-12.50". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
