import { describe, expect, it } from "vitest";
import { CATCH_UP_DAYS } from "../../../lambdas/definitions/notices";
import { addDays } from "../../../lambdas/domain/dates";
import {
  decide,
  type NoticeDecision,
  type NoticeProfile,
  settles,
} from "../../../lambdas/domain/notices/rules";

/**
 * The rules of contract section 6, one by one. Dates of instants are taken in America/Toronto:
 * 2026-11-24T03:30:00Z is 22:30 on 2026-11-23 there (EST, UTC-5).
 */

const TODAY = "2026-11-25";
const ACTIVATED_AT = "2026-11-24T03:30:00.000Z"; // 2026-11-23 in Toronto
const ACTIVATION_DAY = "2026-11-23";

const active: NoticeProfile = {
  status: "ACTIVE",
  billing: "electronic",
  email: "jean.tremblay@example.test",
  language: "fr",
  activatedAt: ACTIVATED_AT,
  electronicSince: ACTIVATED_AT,
};

const bill = (availableOn: string, balanceCents = 7315) => ({ availableOn, balanceCents });

const run = (
  availableOn: string,
  profile: NoticeProfile | undefined = active,
  balanceCents = 7315,
): NoticeDecision => decide(bill(availableOn, balanceCents), profile, TODAY, CATCH_UP_DAYS);

describe("decide: the notice rules", () => {
  it("ACTIVE, electronic, available on the activation day (Toronto date of activatedAt) → eligible", () => {
    expect(run(ACTIVATION_DAY)).toBe("eligible");
  });

  it("available the day before the activation (the UTC date of activatedAt would wrongly allow it) → skipped-before-activation", () => {
    expect(run("2026-11-22")).toBe("skipped-before-activation");
  });

  it("the UTC date of activatedAt is not the activation day: a bill available 2026-11-23 counts", () => {
    // 2026-11-24 in UTC, 2026-11-23 in Toronto: the bill of the 23rd is on the activation day.
    expect(run("2026-11-23")).toBe("eligible");
    expect(run("2026-11-24")).toBe("eligible");
  });

  it("activation in summer time (EDT, UTC-4): 2026-07-01T03:59:59Z is still June 30 in Toronto", () => {
    const profile = { ...active, activatedAt: "2026-07-01T03:59:59.000Z", electronicSince: undefined };
    const on = (availableOn: string) => decide(bill(availableOn), profile, "2026-07-03", CATCH_UP_DAYS);
    expect(on("2026-06-30")).toBe("eligible");
    expect(on("2026-06-29")).toBe("skipped-before-activation");
  });

  it("paper billing → skipped-inactive", () => {
    expect(run(TODAY, { ...active, billing: "paper" })).toBe("skipped-inactive");
  });

  it("PENDING_CONFIRMATION → skipped-inactive", () => {
    expect(run(TODAY, { ...active, status: "PENDING_CONFIRMATION" })).toBe("skipped-inactive");
  });

  it("no profile at all (never enrolled) → skipped-inactive", () => {
    expect(decide(bill(TODAY), undefined, TODAY, CATCH_UP_DAYS)).toBe("skipped-inactive");
  });

  it("the address bounced or complained (emailUndeliverable) → skipped-inactive", () => {
    expect(run(TODAY, { ...active, emailUndeliverable: true })).toBe("skipped-inactive");
    expect(run(TODAY, { ...active, emailUndeliverable: false })).toBe("eligible");
  });

  it("no e-mail or no activation time on an ACTIVE profile → skipped-inactive (nothing to send to)", () => {
    const { email: _email, ...noEmail } = active;
    const { activatedAt: _activatedAt, ...noActivation } = active;
    expect(run(TODAY, noEmail)).toBe("skipped-inactive");
    expect(run(TODAY, noActivation)).toBe("skipped-inactive");
  });

  it("balance -0.01 (in credit) → skipped-credit; 0 → eligible; positive → eligible", () => {
    expect(run(TODAY, active, -1)).toBe("skipped-credit");
    expect(run(TODAY, active, 0)).toBe("eligible");
    expect(run(TODAY, active, 1)).toBe("eligible");
  });

  it("a bill in credit is skipped-credit whatever the account (credit is checked first)", () => {
    expect(run(TODAY, { ...active, billing: "paper" }, -500)).toBe("skipped-credit");
    expect(decide(bill(TODAY, -500), undefined, TODAY, CATCH_UP_DAYS)).toBe("skipped-credit");
  });

  it("electronicSince later than the activation (a switch back from paper) moves the start", () => {
    const profile: NoticeProfile = {
      ...active,
      activatedAt: "2026-03-10T14:00:00.000Z",
      // Back to electronic bills on 2026-11-21 in Toronto (02:00Z on the 22nd).
      electronicSince: "2026-11-22T02:00:00.000Z",
    };
    expect(run("2026-11-20", profile)).toBe("skipped-before-activation");
    expect(run("2026-11-21", profile)).toBe("eligible");
    expect(run("2026-11-22", profile)).toBe("eligible");
  });

  it("electronicSince earlier than the activation does not move the start before the activation", () => {
    const profile = { ...active, electronicSince: "2026-01-01T12:00:00.000Z" };
    expect(run("2026-11-22", profile)).toBe("skipped-before-activation");
    expect(run(ACTIVATION_DAY, profile)).toBe("eligible");
  });

  it(`older than CATCH_UP_DAYS (${CATCH_UP_DAYS}) → stale; exactly ${CATCH_UP_DAYS} days old → still due`, () => {
    const longActive = { ...active, activatedAt: "2026-01-01T12:00:00.000Z", electronicSince: undefined };
    expect(run(addDays(TODAY, -CATCH_UP_DAYS), longActive)).toBe("eligible");
    expect(run(addDays(TODAY, -CATCH_UP_DAYS - 1), longActive)).toBe("stale");
    // Stale wins over every other rule: the bill is settled without a notice.
    expect(run(addDays(TODAY, -30), undefined)).toBe("stale");
    expect(run(addDays(TODAY, -30), longActive, -100)).toBe("stale");
  });

  it("the catch-up bound is a parameter", () => {
    expect(decide(bill("2026-11-23"), active, TODAY, 1)).toBe("stale");
    expect(decide(bill("2026-11-24"), active, TODAY, 1)).toBe("eligible");
  });

  it("settles: only final decisions take the bill out of the pending index", () => {
    const all: Record<NoticeDecision, boolean> = {
      eligible: false, // settled by the sender once the e-mail is recorded
      "skipped-inactive": false, // may become eligible later (activation, switch to electronic)
      "skipped-paper": true, // available before today: a later activation dates from today or later
      "skipped-credit": true,
      "skipped-before-activation": true,
      stale: true,
    };
    for (const [decision, settled] of Object.entries(all)) {
      expect({ decision, settled: settles(decision as NoticeDecision) }).toEqual({ decision, settled });
    }
  });
});
