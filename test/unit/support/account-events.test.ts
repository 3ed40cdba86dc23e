import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeAttempts, reserveAttempt } from "../../../lambdas/domain/enrollment/attempt-window";
import {
  ACCOUNT_EVENT_RETENTION_DAYS,
  eventExpiryEpoch,
  maskIp,
} from "../../../lambdas/domain/support/account-events";

const config = { maxFailures: 5, windowSeconds: 900, lockoutSeconds: 900, dailyMaxFailures: 10 };

describe("maskIp", () => {
  it("keeps the network, hides the host", () => {
    expect(maskIp("203.0.113.57")).toBe("203.0.113.x");
    expect(maskIp("2001:db8:85a3:1:2:3:4:5")).toBe("2001:db8:85a3::/48");
    expect(maskIp("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(maskIp(undefined)).toBeUndefined();
    expect(maskIp("not an address")).toBeUndefined();
  });

  it("never returns the last IPv4 octet", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const masked = maskIp(ip) as string;
        expect(masked.endsWith(".x")).toBe(true);
        expect(masked).not.toBe(ip);
      }),
    );
  });
});

describe("account events retention", () => {
  it("expires an event 13 months (396 days) after it happened", () => {
    const at = new Date("2030-01-01T00:00:00Z");
    expect(ACCOUNT_EVENT_RETENTION_DAYS).toBe(396);
    expect(eventExpiryEpoch(at) - at.getTime() / 1000).toBe(396 * 86_400);
  });
});

describe("describeAttempts (support's view of the limiter)", () => {
  it("agrees with reserveAttempt on whether and until when an account is refused", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 * 86_400_000 }), { maxLength: 14 }),
        fc.option(fc.integer({ min: 0, max: 3 * 86_400_000 }), { nil: undefined }),
        fc.integer({ min: 86_400_000, max: 3 * 86_400_000 }),
        (times, lockedUntil, now) => {
          const state = {
            attempts: [...times].sort((a, b) => a - b),
            ...(lockedUntil ? { lockedUntil } : {}),
          };
          const seen = describeAttempts(state, now, config);
          const reserve = reserveAttempt(state, now, config);
          expect(seen.blockedUntil === undefined).toBe(reserve.allowed);
          if (!reserve.allowed) {
            expect(seen.blockedUntil).toBe(now + reserve.retryAfterSeconds * 1000);
            expect(seen.reason).toBe(reserve.reason);
          }
        },
      ),
    );
  });
});
