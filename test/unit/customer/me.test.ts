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

const bill = (id: string, extra: Partial<StoredBill> = {}): StoredBill => ({
  billId: id,
  billingDate: "2026-11-20",
  dueDate: "2026-12-11",
  amountDueCents: 8437,
  balanceCents: -1250,
  availableOn: "2026-11-23",
  ...extra,
});

const billing: CustomerBilling = {
  listBills: async (n) => (n === "9600010" ? [bill("B-2"), bill("B-1", { amountDueCents: 5 })] : []),
  getBill: async (n, id) =>
    n === "9600010" && id === "B-2" ? bill("B-2", { documentKey: "bills/B-2.pdf" }) : undefined,
  getContract: async (n) =>
    n === "9600010"
      ? {
          contractId: "C-1",
          startDate: "2024-03-01",
          endDate: null,
          services: [{ name: "Internet", monthlyPriceCents: 5500 }],
        }
      : undefined,
};
const documents = { urlFor: async (key: string) => `https://docs.example/${key}?signed` };

describe("the signed-in customer's use cases", () => {
  it("give amounts as strings with two decimals and dates as they are", async () => {
    const { bills } = await listBills("9600010", { billing });
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
  });

  it("link a bill's document only when it has one, and never ask for a malformed bill id", async () => {
    expect(await getBill("9600010", "B-2", { billing, documents })).toMatchObject({
      documentUrl: "https://docs.example/bills/B-2.pdf?signed",
    });
    let asked = 0;
    const counting = { ...billing, getBill: async () => void asked++ };
    for (const id of ["", "../x", "a/b", "x".repeat(65), "é"]) {
      expect(await getBill("9600010", id, { billing: counting, documents }), id).toBeNull();
    }
    expect(asked).toBe(0);
    expect(await getBill("9600020", "B-2", { billing, documents })).toBeNull();
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
    expect(await getMe("9600010", { profiles })).toEqual({
      customerNumber: "9600010",
      email: "a@example.com",
      language: "en",
      billing: "paper",
      status: "ACTIVE",
    });
    expect(await getMe("9600030", { profiles })).toBeNull();
    expect(await getMe("9999999", { profiles })).toBeNull();
    expect(await updateMe("9600010", {}, { profiles, now })).toMatchObject({ billing: "paper" });
    expect(writes).toEqual([]);
    expect(await updateMe("9600010", { billing: "electronic" }, { profiles, now })).toMatchObject({
      billing: "electronic",
    });
    expect(writes).toEqual([{ billing: "electronic" }]);
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
