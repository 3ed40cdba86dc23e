export type Language = "fr" | "en";

/**
 * The customer's language from an Accept-Language header: French unless English is preferred
 * (a higher quality than French, or English listed and French absent). Québec: French first.
 */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return "fr";
  let fr = -1;
  let en = -1;
  for (const part of acceptLanguage.split(",").slice(0, 20)) {
    const [tag = "", ...params] = part.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k === "q" && v !== undefined) {
        const parsed = Number(v);
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (primary === "fr") fr = Math.max(fr, q);
    if (primary === "en") en = Math.max(en, q);
  }
  return en > 0 && en > fr ? "en" : "fr";
}
