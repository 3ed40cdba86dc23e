import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  decodePepper,
  loadConfirmationKey,
  loadPepper,
  refreshingKeyRing,
  SECRET_MAX_AGE_SECONDS,
} from "../../lambdas/adapters/pepper";
import { decodeKeyRing } from "../../lambdas/domain/key-ring";

const KEY1 = "0123456789abcdef0123456789abcdef";
const KEY2 = "fedcba9876543210fedcba9876543210";
const bytes = (value: string) => new TextEncoder().encode(value);
const ring = (current: string, keys: Record<string, string>) => JSON.stringify({ current, keys });

describe("decodePepper (the pepper secret's value as a key ring)", () => {
  it("refuses a pepper shorter than 32 characters", () => {
    expect(() => decodePepper("x".repeat(31))).toThrow(/at least 32 characters/);
    expect(() => decodePepper("")).toThrow(/too short/);
  });

  it("reads a plain string (every stage and .local/ file before versions) as version 1", () => {
    const decoded = decodePepper(`${KEY1}\n`);
    expect(decoded.current).toBe("1");
    expect([...decoded.keys]).toEqual([["1", bytes(KEY1)]]);
  });

  it("reads a JSON key ring: its current version and every key", () => {
    const decoded = decodePepper(ring("2", { "1": KEY1, "2": KEY2 }));
    expect(decoded.current).toBe("2");
    expect(decoded.keys.get("1")).toEqual(bytes(KEY1));
    expect(decoded.keys.get("2")).toEqual(bytes(KEY2));
  });

  it.each([
    ["not JSON", `{"current":"2","keys":{"2":"${KEY2}"`],
    ["no current version", JSON.stringify({ keys: { "1": KEY1 } })],
    ["a current version not in the keys", ring("3", { "1": KEY1, "2": KEY2 })],
    ["a version that is not digits", ring("1", { "1": KEY1, "v:2": KEY2 })],
    ["a key too short", ring("2", { "1": KEY1, "2": `short-${KEY2.slice(0, 10)}` })],
    ["keys that are not an object", JSON.stringify({ current: "1", keys: [KEY1] })],
  ])("refuses %s, without quoting any key", (_what, value) => {
    let message = "";
    try {
      decodeKeyRing(value);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe("");
    for (const fragment of [KEY1.slice(0, 12), KEY2.slice(0, 12), "short-"])
      expect(message).not.toContain(fragment);
  });
});

describe("refreshingKeyRing", () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
  };

  it("reads the secret again after maxAge, not before: a rotated secret reaches warm instances", async () => {
    const c = clock();
    let value = KEY1;
    const read = vi.fn(async () => value);
    const load = refreshingKeyRing(read, { maxAgeSeconds: 3600, now: c.now });
    expect((await load()).current).toBe("1");
    value = ring("2", { "1": KEY1, "2": KEY2 });
    c.advance(3599);
    expect((await load()).current).toBe("1");
    expect(read).toHaveBeenCalledTimes(1);
    c.advance(1);
    expect((await load()).current).toBe("2");
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("shares one read between callers, and forgets a failed read at once", async () => {
    const c = clock();
    let fail = true;
    const read = vi.fn(async () => {
      if (fail) throw new Error("throttled");
      return KEY1;
    });
    const load = refreshingKeyRing(read, { now: c.now });
    await expect(Promise.all([load(), load()])).rejects.toThrow("throttled");
    expect(read).toHaveBeenCalledTimes(1);
    fail = false;
    expect((await load()).current).toBe("1");
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("forgets a value it cannot decode too (the next call reads again)", async () => {
    const c = clock();
    let value = "too short";
    const load = refreshingKeyRing(async () => value, { now: c.now });
    await expect(load()).rejects.toThrow(/too short/);
    value = KEY1;
    expect((await load()).keys.get("1")).toEqual(bytes(KEY1));
  });
});

describe("loadPepper and loadConfirmationKey (local files)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pepper-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.useRealTimers());

  it("loadPepper picks up a rotated pepper file after maxAge (it was cached forever)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const file = join(dir, "pepper");
    writeFileSync(file, `${KEY1}\n`);
    const first = await loadPepper({ PEPPER_FILE: file });
    expect(first.current).toBe("1");
    writeFileSync(file, ring("2", { "1": KEY1, "2": KEY2 }));
    expect((await loadPepper({ PEPPER_FILE: file })).current).toBe("1");
    vi.setSystemTime(Date.now() + SECRET_MAX_AGE_SECONDS * 1000);
    const second = await loadPepper({ PEPPER_FILE: file });
    expect(second.current).toBe("2");
    expect(second.keys.get("1")).toEqual(bytes(KEY1));
  });

  it("loadConfirmationKey gives the current key of its own file, never the pepper's", async () => {
    const file = join(dir, "confirmation-key");
    writeFileSync(file, ring("2", { "1": KEY1, "2": KEY2 }));
    expect(
      await loadConfirmationKey({ CONFIRMATION_KEY_FILE: file, PEPPER_FILE: join(dir, "pepper") }),
    ).toEqual(bytes(KEY2));
  });

  it("re-reads the stage's secret after maxAge (one GetSecretValue per read, no cache of its own)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.resetModules();
    const secrets = mockClient(SecretsManagerClient);
    try {
      secrets
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: KEY1 })
        .resolves({ SecretString: ring("2", { "1": KEY1, "2": KEY2 }) });
      const fresh = await import("../../lambdas/adapters/pepper");
      const source = { PEPPER_SECRET_NAME: "enrollment-dev/access-code-pepper", AWS_REGION: "ca-central-1" };
      expect((await fresh.loadPepper(source)).current).toBe("1");
      expect((await fresh.loadPepper(source)).current).toBe("1");
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      vi.setSystemTime(Date.now() + SECRET_MAX_AGE_SECONDS * 1000);
      expect((await fresh.loadPepper(source)).current).toBe("2");
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      secrets.restore();
    }
  });

  it("says which variable is missing, for the confirmation key", async () => {
    vi.resetModules();
    const fresh = await import("../../lambdas/adapters/pepper");
    await expect(fresh.loadConfirmationKey({})).rejects.toThrow(
      /Neither CONFIRMATION_KEY_FILE nor CONFIRMATION_KEY_SECRET_NAME is set/,
    );
  });
});
