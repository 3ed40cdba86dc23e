import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BillAvailableData,
  billAvailableEmail,
  formatDate,
  formatMoney,
} from "../../../lambdas/domain/emails/bill-available-email";

const NBSP = "\u00a0";
const LINK = "https://www.cablevision.example/factures";
const PHONE = "1 800 567-6353";

const data = (language: "fr" | "en", more: Partial<BillAvailableData> = {}): BillAvailableData => ({
  language,
  billingDate: "2026-11-20",
  dueDate: "2026-12-11",
  amountDueCents: 7315,
  link: LINK,
  supportPhone: PHONE,
  ...more,
});

describe("formatMoney and formatDate", () => {
  it('fr-CA: "73,15 $" with a no-break space (U+00A0) before the sign', () => {
    expect(formatMoney(7315, "fr")).toBe(`73,15${NBSP}$`);
    expect([...formatMoney(7315, "fr")].map((c) => c.codePointAt(0))).toEqual([
      0x37, 0x33, 0x2c, 0x31, 0x35, 0xa0, 0x24,
    ]);
    expect(formatMoney(123456789, "fr")).toBe(`1${NBSP}234${NBSP}567,89${NBSP}$`);
    expect(formatMoney(0, "fr")).toBe(`0,00${NBSP}$`);
  });

  it('en-CA: "$73.15"', () => {
    expect(formatMoney(7315, "en")).toBe("$73.15");
    expect(formatMoney(123456789, "en")).toBe("$1,234,567.89");
    expect(formatMoney(5, "en")).toBe("$0.05");
  });

  it('dates: "20 novembre 2026" / "November 20, 2026", the calendar date whatever the time zone', () => {
    expect(formatDate("2026-11-20", "fr")).toBe("20 novembre 2026");
    expect(formatDate("2026-11-20", "en")).toBe("November 20, 2026");
    expect(formatDate("2027-01-01", "fr")).toBe("1 janvier 2027");
    expect(formatDate("2026-12-31", "en")).toBe("December 31, 2026");
  });
});

describe("billAvailableEmail", () => {
  it("French: subject, text", () => {
    const email = billAvailableEmail(data("fr"));
    expect(email.subject).toMatchInlineSnapshot(`"Votre facture du 20 novembre 2026 est disponible"`);
    expect(email.text).toMatchInlineSnapshot(`
      "Bonjour,

      Votre facture Cablevision du 20 novembre 2026 est disponible en ligne.

      Montant à payer : 73,15 $
      Date d'échéance : 11 décembre 2026

      Vous pouvez la consulter à l'écran et l'imprimer au besoin dans les Services en ligne :
      https://www.cablevision.example/factures

      Des questions? Communiquez avec notre service à la clientèle au 1 800 567-6353.
      Vous recevez ce message parce que vous êtes inscrit à la facture électronique."
    `);
  });

  it("French: HTML", () => {
    expect(billAvailableEmail(data("fr")).html).toMatchInlineSnapshot(`
      "<!doctype html>
      <html lang="fr-CA">
      <head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>Votre facture du 20 novembre 2026 est disponible</title></head>
      <body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#222;max-width:600px;margin:0 auto;padding:16px">
      <p>Bonjour,</p>
      <p>Votre facture Cablevision du 20 novembre 2026 est disponible en ligne.</p>
      <table role="presentation" style="border-collapse:collapse;margin:12px 0">
      <tr><td style="padding:4px 12px 4px 0">Montant à payer :</td><td style="padding:4px 0"><strong>73,15 $</strong></td></tr>
      <tr><td style="padding:4px 12px 4px 0">Date d&#39;échéance :</td><td style="padding:4px 0"><strong>11 décembre 2026</strong></td></tr>
      </table>
      <p>Vous pouvez la consulter à l&#39;écran et l&#39;imprimer au besoin dans les Services en ligne :</p>
      <p><a href="https://www.cablevision.example/factures" style="display:inline-block;padding:10px 16px;background:#0b5cab;color:#fff;text-decoration:none;border-radius:4px">Consulter ma facture</a></p>
      <p>Des questions? Communiquez avec notre service à la clientèle au 1 800 567-6353.</p>
      <p style="font-size:12px;color:#666">Vous recevez ce message parce que vous êtes inscrit à la facture électronique.</p>
      </body></html>"
    `);
  });

  it("English: subject, text", () => {
    const email = billAvailableEmail(data("en"));
    expect(email.subject).toMatchInlineSnapshot(`"Your bill of November 20, 2026 is available"`);
    expect(email.text).toMatchInlineSnapshot(`
      "Hello,

      Your Cablevision bill of November 20, 2026 is available online.

      Amount due: $73.15
      Due date: December 11, 2026

      You can view it on screen and print it if needed in online services:
      https://www.cablevision.example/factures

      Questions? Call our customer service at 1 800 567-6353.
      You receive this message because you are enrolled in electronic billing."
    `);
  });

  it("English: HTML", () => {
    expect(billAvailableEmail(data("en")).html).toMatchInlineSnapshot(`
      "<!doctype html>
      <html lang="en-CA">
      <head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>Your bill of November 20, 2026 is available</title></head>
      <body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#222;max-width:600px;margin:0 auto;padding:16px">
      <p>Hello,</p>
      <p>Your Cablevision bill of November 20, 2026 is available online.</p>
      <table role="presentation" style="border-collapse:collapse;margin:12px 0">
      <tr><td style="padding:4px 12px 4px 0">Amount due:</td><td style="padding:4px 0"><strong>$73.15</strong></td></tr>
      <tr><td style="padding:4px 12px 4px 0">Due date:</td><td style="padding:4px 0"><strong>December 11, 2026</strong></td></tr>
      </table>
      <p>You can view it on screen and print it if needed in online services:</p>
      <p><a href="https://www.cablevision.example/factures" style="display:inline-block;padding:10px 16px;background:#0b5cab;color:#fff;text-decoration:none;border-radius:4px">View my bill</a></p>
      <p>Questions? Call our customer service at 1 800 567-6353.</p>
      <p style="font-size:12px;color:#666">You receive this message because you are enrolled in electronic billing.</p>
      </body></html>"
    `);
  });

  it("French: the amount, dates, phone and link, precisely (no-break spaces included)", () => {
    const { subject, text, html } = billAvailableEmail(data("fr"));
    expect(subject).toBe("Votre facture du 20 novembre 2026 est disponible");
    expect(text).toContain(`Montant à payer${NBSP}: 73,15${NBSP}$`);
    expect(text).toContain(`Date d'échéance${NBSP}: 11 décembre 2026`);
    expect(text).toContain("Votre facture Cablevision du 20 novembre 2026 est disponible en ligne.");
    expect(text).toContain(PHONE);
    expect(text.split("\n")).toContain(LINK);
    expect(html).toContain(`<strong>73,15${NBSP}$</strong>`);
    expect(html).toContain("<strong>11 décembre 2026</strong>");
    expect(html).toContain(`href="${LINK}"`);
    expect(html).toContain(PHONE);
    expect(html).toContain('<html lang="fr-CA">');
  });

  it("English: the amount, dates, phone and link, precisely", () => {
    const { subject, text, html } = billAvailableEmail(data("en"));
    expect(subject).toBe("Your bill of November 20, 2026 is available");
    expect(text).toContain("Amount due: $73.15");
    expect(text).toContain("Due date: December 11, 2026");
    expect(text).toContain(PHONE);
    expect(text.split("\n")).toContain(LINK);
    expect(html).toContain("<strong>$73.15</strong>");
    expect(html).toContain("<strong>December 11, 2026</strong>");
    expect(html).toContain(`href="${LINK}"`);
    expect(html).toContain('<html lang="en-CA">');
  });

  it('HTML escapes a link holding "<>& (no attribute break-out, no tag injection)', () => {
    const link = `https://x.example/factures?a=1&b="><script>alert('x')</script>`;
    for (const language of ["fr", "en"] as const) {
      const { html, text } = billAvailableEmail(data(language, { link }));
      expect(html).toContain(
        'href="https://x.example/factures?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"',
      );
      expect(html).not.toContain("<script>");
      expect(html).not.toContain('b="');
      // The plain text keeps the link as is.
      expect(text).toContain(link);
    }
  });

  it("HTML escapes the support phone too (it comes from configuration)", () => {
    const { html } = billAvailableEmail(data("en", { supportPhone: "1 800 <b>&" }));
    expect(html).toContain("1 800 &lt;b&gt;&amp;");
    expect(html).not.toContain("<b>");
  });
});

describe("the notice never carries what could take over the account", () => {
  const calendarDate = fc
    .date({
      min: new Date("2000-01-01T00:00:00Z"),
      max: new Date("2099-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));

  it("for random bills: no run of 7 digits (a customer number), no mention of the access code", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("fr" as const, "en" as const),
        calendarDate,
        calendarDate,
        fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }),
        (language, billingDate, dueDate, amountDueCents) => {
          const email = billAvailableEmail({
            language,
            billingDate,
            dueDate,
            amountDueCents,
            link: LINK,
            supportPhone: PHONE,
          });
          for (const part of [email.subject, email.text, email.html]) {
            expect(part).not.toMatch(/\d{7}/);
            expect(part.toLowerCase()).not.toContain("code d'accès");
            expect(part.toLowerCase()).not.toContain("code d&#39;accès");
            expect(part.toLowerCase()).not.toContain("access code");
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the renderer's input has no field for the customer number or the access code", () => {
    // BillAvailableData is the whole input: extra fields would be a type error, and the rendering of
    // a bill with such fields attached (as a careless caller might pass) still shows none of them.
    const withSecrets = { ...data("fr"), customerNumber: "9234567", accessCode: "24680" };
    const email = billAvailableEmail(withSecrets);
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toContain("9234567");
      expect(part).not.toContain("24680");
    }
  });
});
