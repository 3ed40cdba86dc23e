import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { env } from "../../lambdas/definitions/environment";
import { errors } from "../../lambdas/definitions/error-codes";
import { DEFAULT_SUPPORT_PHONE } from "../../lambdas/definitions/limits";
import { securityTable, tableName } from "../../lambdas/definitions/tables";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { stepUpQueueDrained } from "../../local/step-up-queue";
import { apiWorld } from "../support/api-client";
import {
  cspViolations,
  expectAccessible,
  latestMailTo,
  launchBrowser,
  PAGE_TIMEOUT_MS,
  poll,
  type Site,
  startSite,
} from "../support/browser";

// Whole flows in a browser, beside the other integration files on the same 2 cores: bounded, not tight.
vi.setConfig({ testTimeout: 120_000 });

/**
 * Step-up on the reference website: with the stage's failure budget spent, the API answers 202 and
 * the page asks for the code e-mailed to the account's contact address. A security table of this
 * file's own, so that other files' failures do not count. Customer numbers: 8620xxx.
 */
const BUDGET = 3;
const OWNER = "8620001";
const CONTACT = "contact.8620001@browser.example";
const { endpoints } = inject("localStack");
const PREFIX = `browser-step-up-${process.pid}`;
let site: Site;
let browser: Browser;
const world = apiWorld(() => site.apiUrl);

beforeAll(async () => {
  const raw = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.dynamodb,
  });
  await ensureTables(raw, PREFIX);
  raw.destroy();
  site = await startSite({
    [securityTable.envVar]: tableName(PREFIX, securityTable),
    [env.verifyGlobalFailuresPerHour]: String(BUDGET),
  });
  browser = await launchBrowser();
  await world.seedAccount(OWNER, { contactEmail: CONTACT });
  // Spend the budget: one wrong attempt on each of a few unknown numbers.
  for (let i = 0; i < BUDGET; i++) expect((await world.verifyBill(`862009${i}`, "00000")).status).toBe(403);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  world.close();
});

describe("step-up on the website", () => {
  it("asks for the code from the contact's mailbox, refuses a wrong one, then goes on to the profile", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    const violations = cspViolations(page);
    await page.goto(site.url);
    const form = page.getByRole("form", { name: "J'ai ma facture papier" });
    await form.getByLabel("Numéro de client").fill(OWNER);
    await form.getByLabel("Code d'accès").fill("24680");
    await form.getByRole("button", { name: "Continuer" }).click();
    await page.getByRole("heading", { name: "Entrez le code reçu par courriel" }).waitFor();
    await expectAccessible(page);

    await page.getByLabel("Code de vérification").fill("000000");
    await page.getByRole("button", { name: "Valider le code" }).click();
    await poll(() => page.getByRole("form").getByRole("status").textContent()).toBe(
      errors.VERIFICATION_FAILED.fr.replaceAll("{supportPhone}", DEFAULT_SUPPORT_PHONE),
    );

    await stepUpQueueDrained();
    const code = /\b(\d{6})\b/.exec((await latestMailTo(CONTACT))?.text ?? "")?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel("Code de vérification").fill(code as string);
    await page.getByRole("button", { name: "Valider le code" }).click();
    await page.getByRole("heading", { name: "Créez votre profil" }).waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });
});
