import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { env, localEnv } from "../../lambdas/definitions/environment";
import { DEFAULT_SUPPORT_PHONE } from "../../lambdas/definitions/limits";
import { localWebConfig } from "../../local/stack";
import { createWebServer } from "../../local/web-server";
import { startLocalApi } from "./local-api";

/** Debian's Chromium (`.ci/run` installs it); CHROMIUM_PATH names another. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** One headless browser per test file. A missing browser is one clear line, not a stack trace. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, timeout: 30_000 });
}

export interface Site {
  /** The website's origin, which the API allows (CORS) and puts in its e-mails' links. */
  readonly url: string;
  readonly apiUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen({ port: 0, host: "127.0.0.1" }, () => done()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The website and the API of this test file, on the global setup's emulators: the site first (its
 * origin is the API's CORS origin and links' base URL), then the API, as npm start wires them.
 */
export async function startSite(overrides: Record<string, string> = {}): Promise<Site> {
  const { endpoints } = inject("localStack");
  let apiUrl = "";
  const server = await createWebServer({
    config: () => localWebConfig({ ...endpoints, api: apiUrl }, DEFAULT_SUPPORT_PHONE),
  });
  const url = await listen(server);
  const api = await startLocalApi({ [env.webOrigin]: url, [env.webBaseUrl]: url, ...overrides });
  apiUrl = api.url;
  // Document links point at this file's API (the global setup's stack serves none).
  process.env[localEnv.apiUrl] = api.url;
  return {
    url,
    apiUrl,
    close: async () => {
      await api.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Another site on another origin, with the same pages and API: what CORS must refuse. */
export async function startForeignSite(apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const { endpoints } = inject("localStack");
  const server = await createWebServer({
    config: () => localWebConfig({ ...endpoints, api: apiUrl }, DEFAULT_SUPPORT_PHONE),
  });
  const url = await listen(server);
  return { url, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** Collects what a page reports as Content-Security-Policy violations (each one is a bug). */
export function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now, WCAG 2.1 A and AA rules only; [] when clean. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) does not apply.
  await page.evaluate(axe.source);
  return page.evaluate(`axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }).then((r) => r.violations.map((v) => ({
    id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")),
  })))`);
}

/** How long a step of a page may take (an API call on the emulators, under a loaded CI machine). */
export const PAGE_TIMEOUT_MS = 20_000;

/** expect.poll with the patience of a page that calls the API (the default gives up after 1 s). */
export function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: PAGE_TIMEOUT_MS, interval: 100 });
}

export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** A picture for the README, taken by the tests so that it always shows the current pages. */
export async function screenshot(
  page: Page,
  file: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, animations: "disabled" });
}

/** The latest e-mail to an address, from the SES emulator's store. */
export async function latestMailTo(address: string): Promise<{ subject: string; text: string } | undefined> {
  const { endpoints } = inject("localStack");
  const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text: string } }[];
  };
  const mail = store.emails.filter((m) => m.destination.to.includes(address)).at(-1);
  return mail && { subject: mail.subject, text: mail.body.text };
}
