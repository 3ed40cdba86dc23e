import { describe, expect, it } from "vitest";
import {
  getBill,
  getContract,
  getMe,
  listBills,
  signOutEverywhere,
  updateMe,
} from "../../../lambdas/domain/customer/me";
import type {
  CustomerBilling,
  CustomerProfile,
  ProfileChanges,
  StoredBill,
} from "../../../lambdas/domain/customer/ports";
import { DependencyUnavailableError } from "../../../lambdas/domain/enrollment/ports";

const bill = (id: string, extra: Partial<StoredBill> = {}): StoredBill => ({
  billId: id,
  billingDate: "2026-11-20",
  dueDate: "2026-12-11",
  amountDueCents: 8437,
  balanceCents: -1250,
  availableOn: "2026-11-23",
  ...extra,
});

/** An in-memory list with the adapter's contract: available by the date, newest first, after a position. */
function billingOf(byCustomer: Record<string, StoredBill[]>): CustomerBilling & { reads: number } {
  const order = (a: StoredBill, b: StoredBill) =>
    b.billingDate.localeCompare(a.billingDate) || b.billId.localeCompare(a.billId);
  const fake = {
    reads: 0,
    async listAvailableBills(
      n: string,
      page: { availableBy: string; limit: number; after?: { billingDate: string; billId: string } },
    ) {
      fake.reads++;
      const after = page.after;
      const all = (byCustomer[n] ?? [])
        .filter((b) => b.availableOn <= page.availableBy)
        .sort(order)
        .filter((b) => !after || order(b, { ...b, ...after }) > 0);
      const bills = all.slice(0, page.limit);
      const last = bills[bills.length - 1];
      return {
        bills,
        ...(all.length > page.limit && last
          ? { next: { billingDate: last.billingDate, billId: last.billId } }
          : {}),
      };
    },
    getBill: async (n: string, id: string) => byCustomer[n]?.find((b) => b.billId === id),
    getContract: async (n: string) =>
      n === "9600010"
        ? {
            contractId: "C-1",
            startDate: "2024-03-01",
            endDate: null,
            services: [{ name: "Internet", monthlyPriceCents: 5500 }],
          }
        : undefined,
  };
  return fake;
}

/** 23:30 on 2026-11-23 in Québec, already the 24th in UTC: "today" must be Toronto's. */
const now = () => new Date("2026-11-24T04:30:00Z");
const billing = billingOf({
  "9600010": [
    bill("B-2", { documentKey: "bills/B-2.pdf" }),
    bill("B-1", { amountDueCents: 5, billingDate: "2026-10-20", availableOn: "2026-10-23" }),
    bill("B-3", { billingDate: "2026-11-21", availableOn: "2026-11-24", documentKey: "bills/B-3.pdf" }),
  ],
});
const documents = { urlFor: async (key: string) => `https://docs.example/${key}?signed` };

describe("the signed-in customer's use cases", () => {
  it("give amounts as strings with two decimals and dates as they are", async () => {
    const { bills, next } = await listBills("9600010", undefined, { billing, now });
    expect(bills).toEqual([
      {
        billId: "B-2",
        billingDate: "2026-11-20",
        dueDate: "2026-12-11",
        amountDue: "84.37",
        balance: "-12.50",
        availableOn: "2026-11-23",
      },
      expect.objectContaining({ billId: "B-1", amountDue: "0.05" }),
    ]);
    expect(next).toBeNull();
  });

  it("hide a bill until its availableOn has come in Toronto, in the list and by its id", async () => {
    const listed = await listBills("9600010", undefined, { billing, now });
    expect(listed.bills.map((b) => b.billId)).not.toContain("B-3");
    expect(await getBill("9600010", "B-3", { billing, documents, now })).toBeNull();
    // At midnight in Toronto it shows, with its link.
    const tomorrow = () => new Date("2026-11-24T05:00:00Z");
    expect((await listBills("9600010", undefined, { billing, now: tomorrow })).bills[0]?.billId).toBe("B-3");
    expect(await getBill("9600010", "B-3", { billing, documents, now: tomorrow })).toMatchObject({
      documentUrl: "https://docs.example/bills/B-3.pdf?signed",
    });
  });

  it("link a bill's document only when it has one, and never ask for a malformed bill id", async () => {
    expect(await getBill("9600010", "B-2", { billing, documents, now })).toMatchObject({
      documentUrl: "https://docs.example/bills/B-2.pdf?signed",
    });
    let asked = 0;
    const counting = { ...billing, getBill: async () => void asked++ };
    for (const id of ["", "../x", "a/b", "x".repeat(65), "é"]) {
      expect(await getBill("9600010", id, { billing: counting, documents, now }), id).toBeNull();
    }
    expect(asked).toBe(0);
    expect(await getBill("9600020", "B-2", { billing, documents, now })).toBeNull();
  });

  it("give the contract with its prices, and null without one", async () => {
    expect(await getContract("9600010", { billing, documents })).toEqual({
      contractId: "C-1",
      startDate: "2024-03-01",
      endDate: null,
      services: [{ name: "Internet", monthlyPrice: "55.00" }],
    });
    expect(await getContract("9600020", { billing, documents })).toBeNull();
  });

  it("show only an ACTIVE profile, and an empty change reads it without writing", async () => {
    const stored: Record<string, CustomerProfile> = {
      "9600010": {
        customerNumber: "9600010",
        status: "ACTIVE",
        email: "a@example.com",
        language: "en",
        billing: "paper",
      },
      "9600030": { customerNumber: "9600030", status: "PENDING_CONFIRMATION", email: "p@example.com" },
    };
    const writes: ProfileChanges[] = [];
    const profiles = {
      get: async (n: string) => stored[n],
      update: async (n: string, changes: ProfileChanges) => {
        writes.push(changes);
        return { ...(stored[n] as CustomerProfile), ...changes };
      },
    };
    const now = () => new Date("2026-11-26T12:00:00Z");
    const users = { setLanguage: async () => true };
    expect(await getMe("9600010", { profiles })).toEqual({
      customerNumber: "9600010",
      email: "a@example.com",
      language: "en",
      billing: "paper",
      status: "ACTIVE",
    });
    expect(await getMe("9600030", { profiles })).toBeNull();
    expect(await getMe("9999999", { profiles })).toBeNull();
    expect(await updateMe("9600010", {}, { profiles, users, now })).toMatchObject({ billing: "paper" });
    expect(writes).toEqual([]);
    expect(await updateMe("9600010", { billing: "electronic" }, { profiles, users, now })).toMatchObject({
      billing: "electronic",
    });
    expect(writes).toEqual([{ billing: "electronic" }]);
  });

  describe("a language change", () => {
    const active: CustomerProfile = {
      customerNumber: "9600010",
      status: "ACTIVE",
      email: "a@example.com",
      language: "fr",
      billing: "electronic",
    };
    const now = () => new Date("2026-11-26T12:00:00Z");

    /** The profile and the pool in memory, each write recorded in the order it happened. */
    function world(profile: CustomerProfile, failPool = 0) {
      const state = { profile, locale: "fr", events: [] as string[], failPool };
      return {
        state,
        profiles: {
          get: async () => state.profile,
          update: async (_n: string, changes: ProfileChanges) => {
            if (state.profile.status !== "ACTIVE") return undefined;
            state.events.push(`profile:${JSON.stringify(changes)}`);
            state.profile = { ...state.profile, ...changes };
            return state.profile;
          },
        },
        users: {
          setLanguage: async (username: string, language: "fr" | "en") => {
            if (state.failPool > 0) {
              state.failPool--;
              throw new DependencyUnavailableError("Cognito", 2);
            }
            state.events.push(`pool:${username}:${language}`);
            state.locale = language;
            return true;
          },
        },
      };
    }

    it("sets the Cognito locale first, then the profile, for the profile's user", async () => {
      const w = world(active);
      expect(await updateMe("9600010", { language: "en" }, { ...w, now })).toMatchObject({ language: "en" });
      expect(w.state.events).toEqual(["pool:a@example.com:en", 'profile:{"language":"en"}']);
    });

    it("a pool that fails leaves the profile as it was; the retry completes both", async () => {
      const w = world(active, 1);
      await expect(updateMe("9600010", { language: "en" }, { ...w, now })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      expect(w.state.profile.language).toBe("fr");
      expect(w.state.locale).toBe("fr");
      expect(await updateMe("9600010", { language: "en" }, { ...w, now })).toMatchObject({ language: "en" });
      expect([w.state.profile.language, w.state.locale]).toEqual(["en", "en"]);
    });

    it("the language already set still re-asserts the pool's; billing alone or an inactive profile never touch it", async () => {
      const w = world({ ...active, language: "en" });
      await updateMe("9600010", { language: "en" }, { ...w, now });
      expect(w.state.locale).toBe("en");
      w.state.events.length = 0;
      await updateMe("9600010", { billing: "paper" }, { ...w, now });
      expect(w.state.events).toEqual(['profile:{"billing":"paper"}']);

      const pending = world({ ...active, status: "PENDING_CONFIRMATION" });
      expect(await updateMe("9600010", { language: "en" }, { ...pending, now })).toBeNull();
      expect(pending.state.events).toEqual([]);
    });
  });
});

describe("signOutEverywhere", () => {
  function world(stored: CustomerProfile | undefined, failCognito = false) {
    const steps: string[] = [];
    return {
      steps,
      deps: {
        profiles: {
          get: async () => stored,
          revokeTokens: async (n: string, at: Date) => {
            steps.push(`mark ${n} ${at.toISOString()}`);
            return true;
          },
        },
        sessions: {
          signOutEverywhere: async (username: string) => {
            if (failCognito) throw new Error("Cognito is down");
            steps.push(`sign out ${username}`);
          },
        },
        now: () => new Date("2026-11-26T12:00:00.000Z"),
      },
    };
  }
  const active = { customerNumber: "9600010", status: "ACTIVE", email: "a@example.com" } as const;

  it("ends the user's Cognito sessions first, then marks the profile at now", async () => {
    const { steps, deps } = world(active);
    expect(await signOutEverywhere("9600010", deps)).toBe(true);
    expect(steps).toEqual(["sign out a@example.com", "mark 9600010 2026-11-26T12:00:00.000Z"]);
  });

  it("writes no mark when Cognito failed: the call is repeated, and no refresh may follow the mark", async () => {
    const { steps, deps } = world(active, true);
    await expect(signOutEverywhere("9600010", deps)).rejects.toThrow("Cognito is down");
    expect(steps).toEqual([]);
  });

  it("false, and nothing done, without a profile or its user", async () => {
    for (const stored of [undefined, { customerNumber: "9600010" }]) {
      const { steps, deps } = world(stored);
      expect(await signOutEverywhere("9600010", deps)).toBe(false);
      expect(steps).toEqual([]);
    }
  });
});
