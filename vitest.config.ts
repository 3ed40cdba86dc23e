import { defineConfig } from "vitest/config";

/**
 * Three tiers, one run: unit (no network; SDK calls mocked), integration (real SDK calls to the
 * emulators, started once per run on free ports by the global setup), infra (CDK assertions, cdk-nag).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          env: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
        },
      },
      {
        test: {
          name: "integration",
          // The browser tests (the reference website in Chromium) run on the same emulators.
          include: ["test/integration/**/*.test.ts", "test/browser/**/*.test.ts"],
          globalSetup: ["test/support/emulators-global-setup.ts"],
          env: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
