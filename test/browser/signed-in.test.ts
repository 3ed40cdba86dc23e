import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiWorld } from "../support/api-client";
import {
  cspViolations,
  expectAccessible,
  launchBrowser,
  PAGE_TIMEOUT_MS,
  poll,
  type Site,
  screenshot,
  startSite,
} from "../support/browser";
import { PASSWORD, signedInCustomers } from "../support/signed-in-customer";
import { tempFiles } from "../support/temp-files";

// Whole flows in a browser, beside the other integration files on the same 2 cores: bounded, not tight.
vi.setConfig({ testTimeout: 120_000 });

/**
 * A signed-in customer on the reference website, in Chromium: bills (newest first, a page at a
 * time, printed from the PDF link), contract, paper bills, English, the data export, sign-out,
 * closing the profile. Customer numbers of this file: 8610xxx.
 */
const CUSTOMER = "8610001";
const EMAIL = "client.8610001@browser.example";
/** More than a page (24): the second page is asked for by the "older bills" button. */
const BILL_COUNT = 26;
let site: Site;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: string[];
const world = apiWorld(() => site.apiUrl);
const customers = signedInCustomers(world, () => site.apiUrl);
const files = tempFiles("browser-signed-in");

/** Monthly bills, the newest (with its PDF) on 2026-10-20, the oldest 25 months before (2024-09-20). */
const bills = Array.from({ length: BILL_COUNT }, (_, i) => {
  const month = new Date(Date.UTC(2026, 9 - i, 20));
  const date = month.toISOString().slice(0, 10);
  const due = new Date(month.getTime() + 21 * 86_400_000).toISOString().slice(0, 10);
  return `B-${date}-${CUSTOMER},${CUSTOMER},${date},${due},${(60 + i).toFixed(2)},${(60 + i).toFixed(2)},${i === 0 ? "sample.pdf" : ""}`;
});

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
  await world.seedAccount(CUSTOMER);
  await customers.enrollAndConfirm(CUSTOMER, EMAIL);
  await world.importRows(
    "bills",
    "billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey",
    bills,
  );
  await world.importRows("contracts", "contractId,customerNumber,startDate,endDate,services,documentKey", [
    `C-${CUSTOMER},${CUSTOMER},2024-03-01,,Internet 120:55.00|Télé de base:32.50,sample.pdf`,
  ]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  violations = cspViolations(page);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  customers.close();
  world.close();
  files.cleanup();
});

async function signIn(): Promise<void> {
  await page.goto(`${site.url}/connexion`);
  await page.getByLabel("Adresse de courriel").fill(EMAIL);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("form").getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: "Mon dossier" }).waitFor();
}

const billRows = (caption = "Mes factures") => page.getByRole("table", { name: caption }).locator("tbody tr");

describe("a signed-in customer", () => {
  it("sees their bills newest first, a page at a time, and prints one (the PDF opens)", async () => {
    await signIn();
    await poll(() => billRows().count()).toBe(24);
    expect(await billRows().first().locator("td").first().textContent()).toBe("20 octobre 2026");
    expect(await billRows().nth(1).locator("td").first().textContent()).toBe("20 septembre 2026");
    await expectAccessible(page);
    await screenshot(page, "docs/bills-page.png");
    await page.getByRole("button", { name: "Afficher les factures plus anciennes" }).click();
    await poll(() => billRows().count()).toBe(BILL_COUNT);
    expect(await page.getByRole("button", { name: "Afficher les factures plus anciennes" }).isHidden()).toBe(
      true,
    );
    expect(await billRows().last().locator("td").first().textContent()).toBe("20 septembre 2024");

    const pdf = context.waitForEvent("response", (r) => r.headers()["content-type"] === "application/pdf");
    await page.getByRole("button", { name: "Imprimer la facture du 20 octobre 2026" }).click();
    const opened = await pdf;
    expect(opened.status()).toBe(200);
    // Chromium shows the PDF in its viewer; what it was given is the bill's document, from the API.
    expect(opened.url().startsWith(site.apiUrl)).toBe(true);
    const document = Buffer.from(await (await fetch(opened.url())).arrayBuffer());
    expect(document.subarray(0, 5).toString()).toBe("%PDF-");
    // A bill without a document says so instead of opening nothing.
    await page.getByRole("button", { name: "Imprimer la facture du 20 septembre 2026" }).click();
    await page.getByText("20 septembre 2026 : Non disponible").waitFor();
  });

  it("sees their contract, and prints it", async () => {
    const contract = page.getByRole("region", { name: "Mon contrat" });
    await contract.getByText(`C-${CUSTOMER}`).waitFor();
    expect(await contract.getByText("Télé de base").count()).toBe(1);
    expect(await contract.getByText("1 mars 2024").count()).toBe(1);
    const pdf = context.waitForEvent("response", (r) => r.headers()["content-type"] === "application/pdf");
    await contract.getByRole("button", { name: "Imprimer le contrat" }).click();
    expect((await pdf).status()).toBe(200);
  });

  it("switches to paper bills, which the next visit shows", async () => {
    const profile = page.getByRole("region", { name: "Mon profil" });
    expect(await profile.getByLabel("Factures électroniques").isChecked()).toBe(true);
    await profile.getByLabel("Factures papier").check();
    await profile.getByRole("button", { name: "Enregistrer le mode de facturation" }).click();
    await profile.getByText("Vous recevrez maintenant vos factures papier.").waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Mon dossier" }).waitFor();
    expect(await page.getByLabel("Factures papier").isChecked()).toBe(true);
    expect((await customers.profile(CUSTOMER))?.billing).toBe("paper");
  });

  it("switches to English, for the page and for their profile", async () => {
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "My account" }).waitFor();
    await page.getByRole("heading", { name: "My bills" }).waitFor();
    const profile = page.getByRole("region", { name: "My profile" });
    await poll(() => profile.locator("dd").nth(2).textContent()).toBe("English");
    expect(await billRows("My bills").first().locator("td").first().textContent()).toBe("October 20, 2026");
    await expectAccessible(page);
    expect((await customers.profile(CUSTOMER))?.language).toBe("en");
    await page.getByRole("button", { name: "Français" }).click();
    await page.getByRole("heading", { name: "Mon dossier" }).waitFor();
  });

  it("downloads everything held about them", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Télécharger mes données" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`services-en-ligne-${CUSTOMER}.json`);
    const exported = JSON.parse(readFileSync((await file.path()) as string, "utf8"));
    expect(JSON.stringify(exported)).toContain(EMAIL);
    expect(JSON.stringify(exported)).toContain(`B-2024-09-20-${CUSTOMER}`);
    await page.getByText("Le fichier de vos données est téléchargé.").waitFor();
  });

  it("signs out: the account page then asks to sign in", async () => {
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.getByText("Vous êtes déconnecté.").waitFor();
    await page.goto(`${site.url}/compte`);
    await page.getByRole("heading", { name: "Connexion aux Services en ligne" }).waitFor();
    expect(await page.evaluate("JSON.stringify(sessionStorage)")).toBe("{}");
  });

  it("closes the profile: back to paper, and the password no longer signs in", async () => {
    // A token of the sign-out's own second is refused by design (whole-second times).
    await new Promise((r) => setTimeout(r, 1100));
    await signIn();
    await page.getByRole("button", { name: "Fermer mon profil" }).click();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Oui, fermer mon profil" }).click();
    await page.getByText("Votre profil est fermé. Vous recevrez désormais vos factures papier.").waitFor();
    expect(await world.usersOf(CUSTOMER)).toEqual([]);
    await page.getByLabel("Adresse de courriel").fill(EMAIL);
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByRole("form").getByRole("button", { name: "Se connecter" }).click();
    await page.getByText("Adresse de courriel ou mot de passe incorrect.").waitFor();
    expect(violations).toEqual([]);
  });
});
