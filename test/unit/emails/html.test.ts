import { describe, expect, it } from "vitest";
import { confirmationEmail } from "../../../lambdas/domain/emails/confirmation-email";
import { escapeHtml, htmlFrame } from "../../../lambdas/domain/emails/html";

describe("escapeHtml", () => {
  it("escapes the five characters that matter in bodies and attributes, & first (no double escaping)", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
    expect(escapeHtml("Montant à payer\u00a0: 73,15\u00a0$")).toBe("Montant à payer\u00a0: 73,15\u00a0$");
  });
});

describe("htmlFrame", () => {
  it("declares the language and escapes the title", () => {
    const fr = htmlFrame("fr", "Titre <b>", "<p>corps</p>");
    expect(fr).toContain('<html lang="fr-CA">');
    expect(fr).toContain("<title>Titre &lt;b&gt;</title>");
    expect(fr).toContain("<p>corps</p>");
    expect(htmlFrame("en", "t", "")).toContain('<html lang="en-CA">');
  });
});

describe("confirmationEmail shares the frame and the escaping", () => {
  it("escapes its link in the HTML and keeps it as is in the text", () => {
    const link = 'https://x.example/confirmation?token=a&b="<c>"';
    const { html, text } = confirmationEmail({ language: "en", link, supportPhone: "1 800 567-6353" });
    expect(text).toContain(link);
    expect(html).toContain('href="https://x.example/confirmation?token=a&amp;b=&quot;&lt;c&gt;&quot;"');
    expect(html).not.toContain("<c>");
  });
});
