import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSections, SectionFailed, sectionFile } from "../../bench/lib/run-sections";
import type { Section } from "../../bench/section";

const root = resolve(import.meta.dirname, "../..");
const fixtures = join(root, "test/support/bench-sections");
const first = sectionFile(join(fixtures, "first-stack.ts"));
const second = sectionFile(join(fixtures, "second-stack.ts"));

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "bench-sections-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("the bench runner", () => {
  it("runs every section in a process of its own: the handlers' clients reach that section's stack", async () => {
    const results = await runSections([first, second], { root, outDir, runs: 1 });
    expect(results).toEqual({ "first-stack": "127.0.0.1:1111", "second-stack": "127.0.0.1:2222" });
  }, 60_000);

  it("stops at a section that fails, naming it", async () => {
    await expect(
      runSections([sectionFile(join(fixtures, "failing.ts")), first], { root, outDir, runs: 1 }),
    ).rejects.toThrow(new SectionFailed("section failing failed (exit 1)"));
  }, 60_000);

  // Why: what the runner did before, and how me-bills met ECONNREFUSED after enrollment.
  it("in one process, a later section's handlers would send to the earlier section's stack", async () => {
    const saved = { ...process.env };
    try {
      const sections = [
        (await import("../support/bench-sections/first-stack")).section,
        (await import("../support/bench-sections/second-stack")).section,
      ] as Section[];
      const seen: unknown[] = [];
      for (const section of sections) seen.push(await section.run({} as never));
      expect(seen).toEqual(["127.0.0.1:1111", "127.0.0.1:1111"]);
    } finally {
      process.env = saved;
    }
  });
});
