import type { AccountEvent } from "../../lambdas/domain/support/account-events";
import type { SupportStatus } from "../../lambdas/domain/support/status";

/** Support works in Québec: times are shown in the company's time zone, to the second. */
const TIME = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "America/Toronto",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function localTime(iso: string | null | undefined): string {
  if (!iso) return "-";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : TIME.format(date);
}

function eventLine(event: AccountEvent): string {
  const at = localTime(event.at);
  if (event.kind === "verification") {
    return `${at}  verification  ${event.outcome.padEnd(16)} ${event.method.padEnd(12)} ${event.sourceIp ?? ""}`.trimEnd();
  }
  return `${at}  support       ${`${event.action} ${event.outcome}`.padEnd(16)} by ${event.actor}`;
}

/** `support status` for a person: one screen, the problem (if any) on the first lines. */
export function formatStatus(status: SupportStatus): string {
  const { account, enrollment, verification, deliverability } = status;
  const blocked = verification.blockedUntil
    ? `BLOCKED until ${localTime(verification.blockedUntil)} (${
        {
          lockout: "lockout after 5 failures",
          window: "5 failures in 15 minutes",
          day: "daily cap of failures",
        }[verification.reason ?? "lockout"]
      }): \`unlock\` lifts it`
    : "not blocked";
  const enrolled =
    enrollment.state === "NOT_ENROLLED"
      ? "not enrolled"
      : `${enrollment.state === "ACTIVE" ? "ACTIVE" : "PENDING_CONFIRMATION (link e-mailed, not confirmed)"} since ${localTime(enrollment.since)}, ${enrollment.email}`;
  const lines = [
    `Customer ${status.customerNumber} (times in America/Toronto)`,
    `  Account         ${account.closed ? "CLOSED by the billing system" : "active"}, language ${account.language}, ${account.contactEmail ? "contact e-mail on file" : "no contact e-mail"}`,
    `  Enrollment      ${enrolled}`,
    `  Billing         ${status.billing}`,
    `  Deliverability  ${deliverability.flag ? `${deliverability.flag} since ${localTime(deliverability.since)}: notices to this address are not delivered` : "ok"}`,
    `  Verification    ${verification.failuresInWindow} failures in the last 15 minutes, ${verification.failuresToday} in 24 hours; ${blocked}`,
    `  Stage           step-up mode ${status.stage.stepUp ? "ON (every verification needs the e-mailed code)" : "off"}`,
    `  Last ${status.events.length} events (newest first)`,
    ...(status.events.length ? status.events.map((e) => `    ${eventLine(e)}`) : ["    none"]),
  ];
  return `${lines.join("\n")}\n`;
}
