/** Escapes text for HTML bodies and attributes: every value put in an e-mail's HTML goes through it. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** The shared HTML frame of every e-mail: a plain, accessible single column. */
export function htmlFrame(language: "fr" | "en", title: string, bodyHtml: string): string {
  return [
    "<!doctype html>",
    `<html lang="${language === "fr" ? "fr-CA" : "en-CA"}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#222;max-width:600px;margin:0 auto;padding:16px">',
    bodyHtml,
    "</body></html>",
  ].join("\n");
}
