import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeStates } from "../../lambdas/adapters/notice-store";
import { CONFIRMATION_TTL_SECONDS } from "../../lambdas/definitions/limits";
import { NOTICE_STATE_RETENTION_DAYS } from "../../lambdas/definitions/notices";
import { retentionOf, retentionRules } from "../../lambdas/definitions/retention";
import { accountEventsTable, noticesTable, profilesTable, tables } from "../../lambdas/definitions/tables";
import { expiryCutoff } from "../../lambdas/domain/enrollment/expire-enrollments";
import { ACCOUNT_EVENT_RETENTION_DAYS, eventExpiryEpoch } from "../../lambdas/domain/support/account-events";

/**
 * Retention (README "Retention"): every table states how long it keeps what it holds and what forgets
 * it, in lambdas/definitions/retention.ts; the table definitions, the writers' constants and the
 * README agree with it.
 */

const DAY = 86_400;
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(
  readme.indexOf("## Retention"),
  readme.indexOf("\n## ", readme.indexOf("## Retention") + 1),
);

describe("retention", () => {
  it("is stated for every table (each holds personal data or is keyed by customer number), once", () => {
    expect(retentionRules.map((r) => r.table).sort()).toEqual(tables.map((t) => t.id).sort());
  });

  it("is forgotten by a TTL exactly where the table has its TTL attribute, and never by hand", () => {
    for (const rule of retentionRules) {
      const table = tables.find((t) => t.id === rule.table);
      expect(rule.enforcedBy.length, rule.table).toBeGreaterThan(0);
      expect(rule.enforcedBy.includes("ttl"), rule.table).toBe(table?.ttlAttribute !== undefined);
      expect(rule.why.length, rule.table).toBeGreaterThan(20);
    }
  });

  it("keeps account events 396 days: the duration the event writer puts in their TTL", () => {
    expect(retentionOf(accountEventsTable.id).days).toBe(ACCOUNT_EVENT_RETENTION_DAYS);
    expect(ACCOUNT_EVENT_RETENTION_DAYS).toBe(396);
    const at = new Date("2026-12-01T12:00:00.000Z");
    expect(eventExpiryEpoch(at) - at.getTime() / 1000).toBe(396 * DAY);
  });

  describe("notice states", () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    afterEach(() => ddb.reset());

    it("are kept 400 days after they are settled: the TTL the notice store writes", async () => {
      expect(retentionOf(noticesTable.id).days).toBe(NOTICE_STATE_RETENTION_DAYS);
      ddb.on(UpdateCommand).resolves({});
      const states = noticeStates(createDocumentClient(new DynamoDBClient({ region: "ca-central-1" })), "t");
      const now = new Date("2026-12-01T12:00:00.000Z");
      await states.markSent("9810010", "B-1", "owner", "ses-id", now);
      await states.markSkipped("9810010", "B-2", "owner", "credit", now);
      for (const call of ddb.commandCalls(UpdateCommand)) {
        const expiry = call.args[0].input.ExpressionAttributeValues?.[":exp"] as number;
        expect(expiry - now.getTime() / 1000).toBe(NOTICE_STATE_RETENTION_DAYS * DAY);
      }
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
    });
  });

  it("expires unconfirmed enrollments after 24 hours: the sweeper's cutoff", () => {
    expect(retentionOf(profilesTable.id).enforcedBy).toContain("sweep");
    const now = new Date("2026-12-01T12:00:00.000Z");
    expect(now.getTime() - expiryCutoff(now).getTime()).toBe(CONFIRMATION_TTL_SECONDS * 1000);
    expect(CONFIRMATION_TTL_SECONDS).toBe(24 * 3600);
  });

  it("is the README's table, row by row", () => {
    expect(section).toContain("## Retention");
    for (const rule of retentionRules) {
      const row = section.split("\n").find((line) => line.startsWith(`| ${rule.table} |`));
      expect(row, rule.table).toBeDefined();
      expect(row).toContain(`| ${rule.what} |`);
      expect(row).toContain(`| ${rule.kept} |`);
      expect(row).toContain(`| ${rule.why} |`);
    }
  });
});
