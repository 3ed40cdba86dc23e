import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { errors } from "../../lambdas/definitions/error-codes";
import { DEFAULT_SUPPORT_PHONE } from "../../lambdas/definitions/limits";
import { apiWorld } from "../support/api-client";
import {
  cspViolations,
  expectAccessible,
  latestMailTo,
  launchBrowser,
  PAGE_TIMEOUT_MS,
  poll,
  type Site,
  screenshot,
  startForeignSite,
  startSite,
} from "../support/browser";

// Whole flows in a browser, beside the other integration files on the same 2 cores: bounded, not tight.
vi.setConfig({ testTimeout: 120_000 });

/**
 * Enrollment through the reference website, in Chromium, on the emulators: both forms, the
 * password page, the mailbox's confirmation link, sign-in, failures and their waits, English,
 * CORS. Customer numbers of this file: 8600xxx.
 */
let site: Site;
let browser: Browser;
const world = apiWorld(() => site.apiUrl);
const { endpoints } = inject("localStack");
const PASSWORD = "un mot de passe sûr";
const message = (code: keyof typeof errors, language: "fr" | "en" = "fr") =>
  errors[code][language].replaceAll("{supportPhone}", DEFAULT_SUPPORT_PHONE);

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
  await Promise.all(["8600001", "8600002", "8600003", "8600004", "8600005"].map((n) => world.seedAccount(n)));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  world.close();
});

/** A fresh visitor (no remembered language, no session), failing on any CSP violation. */
async function visit(path = "/"): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-CA" });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const violations = cspViolations(page);
  await page.goto(`${site.url}${path}`);
  return { page, violations };
}

const billForm = (page: Page, name = "J'ai ma facture papier") => page.getByRole("form", { name });

describe("the enrollment page", () => {
  it("enrolls with the paper bill, confirms from the mailbox link, and signs in", async () => {
    const { page, violations } = await visit();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Inscription aux Services en ligne",
    );
    // The seed's field names, as visible labels, each with its explanation.
    for (const label of [
      "Numéro de client",
      "Code d'accès",
      "Numéro de téléphone",
      "Code postal",
      "Dernier montant",
    ]) {
      expect(await page.getByText(label, { exact: true }).count()).toBeGreaterThan(0);
    }
    expect(await page.getByLabel("Code d'accès").getAttribute("aria-describedby")).toBeTruthy();
    await expectAccessible(page);
    await screenshot(page, "docs/enrollment-page.png", { fullPage: true });

    const form = billForm(page);
    await form.getByLabel("Numéro de client").fill("8600001");
    await form.getByLabel("Code d'accès").fill("24680");
    await form.getByRole("button", { name: "Continuer" }).click();
    await page.getByRole("heading", { name: "Créez votre profil" }).waitFor();
    await expectAccessible(page);

    const email = "bill.8600001@browser.example";
    await page.getByLabel("Adresse de courriel").fill(email);
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByRole("button", { name: "Créer mon profil" }).click();
    await page.getByRole("heading", { name: "Vérifiez votre boîte de courriel" }).waitFor();
    expect(await page.getByText(email).count()).toBe(1);
    await expectAccessible(page);

    // The link of the e-mail opens this site's confirmation page, which takes the token out of the address.
    const mail = await latestMailTo(email);
    const link = /(http\S+\/confirmation\?token=[\w-]+)/.exec(mail?.text ?? "")?.[1];
    expect(link?.startsWith(`${site.url}/confirmation?token=`)).toBe(true);
    const confirmation = await page.goto(link as string);
    expect(confirmation?.headers()["referrer-policy"]).toBe("no-referrer");
    await page.getByText("Votre profil est actif. Vos factures sont maintenant électroniques.").waitFor();
    expect(page.url()).toBe(`${site.url}/confirmation`);
    await expectAccessible(page);

    await page.getByRole("link", { name: "Se connecter" }).first().click();
    await page.getByRole("heading", { name: "Connexion aux Services en ligne" }).waitFor();
    await expectAccessible(page);
    await page.getByLabel("Adresse de courriel").fill(email);
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByRole("form").getByRole("button", { name: "Se connecter" }).click();
    await page.getByRole("heading", { name: "Mon dossier" }).waitFor();
    await page.getByText("8600001", { exact: true }).waitFor();
    // No token anywhere a cookie could carry it.
    expect(await page.context().cookies()).toEqual([]);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it("enrolls with the form without the paper bill", async () => {
    const { page, violations } = await visit();
    const form = billForm(page, "Je n'ai pas ma facture papier");
    await form.getByLabel("Numéro de client").fill("8600002");
    await form.getByLabel("Numéro de téléphone").fill("(450) 555-1234");
    await form.getByLabel("Code postal").fill("J4K1A1");
    await form.getByLabel("Dernier montant").fill("84,37");
    await form.getByRole("button", { name: "Continuer" }).click();
    await page.getByRole("heading", { name: "Créez votre profil" }).waitFor();
    await page.getByLabel("Adresse de courriel").fill("account.8600002@browser.example");
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByRole("button", { name: "Créer mon profil" }).click();
    await page.getByRole("heading", { name: "Vérifiez votre boîte de courriel" }).waitFor();
    expect(await world.confirmationTokensSentTo("account.8600002@browser.example")).toHaveLength(1);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it("shows the API's message for a wrong code, then the lockout with when to try again", async () => {
    const { page } = await visit();
    const form = billForm(page);
    await form.getByLabel("Numéro de client").fill("8600003");
    await form.getByLabel("Code d'accès").fill("99999");
    const status = form.getByRole("status");
    await form.getByRole("button", { name: "Continuer" }).click();
    await poll(() => status.textContent()).toBe(message("VERIFICATION_FAILED"));
    expect(await form.getByLabel("Code d'accès").getAttribute("aria-invalid")).toBeNull();
    await expectAccessible(page);
    // The 5th failure locks the account; the next attempt is told when to come back.
    for (let attempt = 2; attempt <= 6; attempt++) {
      await form.getByRole("button", { name: "Continuer" }).click();
      await poll(() => form.getByRole("button", { name: "Continuer" }).isEnabled()).toBe(true);
    }
    const locked = (await status.textContent()) ?? "";
    expect(locked.startsWith(message("TOO_MANY_ATTEMPTS"))).toBe(true);
    expect(locked).toMatch(/Vous pourrez réessayer à \d{1,2} h \d{2} \(dans 15 minutes\)\.$/);
    await expectAccessible(page);
    await page.context().close();
  });

  it("marks the fields the API refused", async () => {
    const { page } = await visit();
    const form = billForm(page);
    await form.getByLabel("Numéro de client").fill("86-0005");
    await form.getByLabel("Code d'accès").fill("24680");
    await form.getByRole("button", { name: "Continuer" }).click();
    await poll(() => form.getByLabel("Numéro de client").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByLabel("Code d'accès").getAttribute("aria-invalid")).toBeNull();
    expect(await form.getByRole("status").textContent()).toBe(message("VALIDATION_FAILED"));
    await page.context().close();
  });

  it("switches to English, remembers it, and gets the API's messages in English", async () => {
    const { page } = await visit();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Enroll in online services" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Enroll in online services" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    for (const label of [
      "Customer number",
      "Access code",
      "Phone number",
      "Postal code",
      "Last amount debited",
    ]) {
      expect(await page.getByText(label, { exact: true }).count()).toBeGreaterThan(0);
    }
    await expectAccessible(page);
    const form = billForm(page, "I have my paper bill");
    await form.getByLabel("Customer number").fill("8600004");
    await form.getByLabel("Access code").fill("99999");
    await form.getByRole("button", { name: "Continue" }).click();
    await poll(() => form.getByRole("status").textContent()).toBe(message("VERIFICATION_FAILED", "en"));
    await page.getByRole("button", { name: "Français" }).click();
    await page.getByRole("heading", { name: "Inscription aux Services en ligne" }).waitFor();
    await page.context().close();
  });

  it("sends the security headers with every page and file", async () => {
    const cognito = new URL(endpoints.cognito.endpoint).origin;
    for (const path of [
      "/",
      "/confirmation",
      "/connexion",
      "/compte",
      "/app.js",
      "/styles.css",
      "/config.json",
      "/nope",
    ]) {
      const res = await fetch(`${site.url}${path}`);
      expect(res.headers.get("content-security-policy")).toBe(
        `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${site.apiUrl} ${cognito}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      );
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});

describe("another origin", () => {
  it("serving the same page is refused by the API's CORS", async () => {
    const foreign = await startForeignSite(site.apiUrl);
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      const refused = page.waitForEvent("requestfailed", (r) => r.url().startsWith(site.apiUrl));
      await page.goto(foreign.url);
      const form = billForm(page);
      await form.getByLabel("Numéro de client").fill("8600005");
      await form.getByLabel("Code d'accès").fill("24680");
      await form.getByRole("button", { name: "Continuer" }).click();
      await refused;
      await poll(() => form.getByRole("status").textContent()).toContain("Le service est injoignable");
      // The API answered without granting that origin anything, so the page could read nothing.
      const res = await fetch(`${site.apiUrl}/v1/health`, { headers: { Origin: foreign.url } });
      expect([...res.headers.keys()].filter((h) => h.startsWith("access-control-"))).toEqual([]);
      await context.close();
    } finally {
      await foreign.close();
    }
  });
});
