import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  checkLocalDocumentLink,
  documentLinksFromEnv,
  localDocumentLinks,
  s3DocumentLinks,
} from "../../../lambdas/adapters/document-links";
import { DOCUMENT_LINK_TTL_SECONDS } from "../../../lambdas/definitions/documents";

const secret = new TextEncoder().encode("k".repeat(43));
const at = new Date("2026-11-26T12:00:00Z");

function parts(url: string) {
  const u = new URL(url);
  return {
    u,
    key: decodeURIComponent(u.pathname.replace("/local/documents/", "")),
    expires: u.searchParams.get("expires"),
    signature: u.searchParams.get("signature"),
  };
}

describe("local document links", () => {
  it("are valid 5 minutes to the second, then expired", async () => {
    const links = localDocumentLinks({ baseUrl: "http://localhost:3000/", secret, now: () => at });
    const url = await links.urlFor("bills/2026/B-1.pdf");
    const { u, key, expires, signature } = parts(url);
    expect(u.origin + u.pathname).toBe("http://localhost:3000/local/documents/bills/2026/B-1.pdf");
    expect(Number(expires)).toBe(at.getTime() / 1000 + DOCUMENT_LINK_TTL_SECONDS);
    const plus = (seconds: number) => new Date(at.getTime() + seconds * 1000);
    expect(checkLocalDocumentLink(secret, key, expires, signature, plus(0))).toBe("valid");
    expect(checkLocalDocumentLink(secret, key, expires, signature, plus(299))).toBe("valid");
    expect(checkLocalDocumentLink(secret, key, expires, signature, plus(300))).toBe("expired");
  });

  it("are invalid with another signature, key, expiry or secret, or without their parameters", async () => {
    const url = await localDocumentLinks({ baseUrl: "http://x", secret, now: () => at }).urlFor("a.pdf");
    const { key, expires, signature } = parts(url);
    const other = new TextEncoder().encode("o".repeat(43));
    expect(checkLocalDocumentLink(secret, key, expires, `${signature?.slice(1)}A`, at)).toBe("invalid");
    expect(checkLocalDocumentLink(secret, "b.pdf", expires, signature, at)).toBe("invalid");
    expect(checkLocalDocumentLink(secret, key, String(Number(expires) + 60), signature, at)).toBe("invalid");
    expect(checkLocalDocumentLink(other, key, expires, signature, at)).toBe("invalid");
    expect(checkLocalDocumentLink(secret, key, null, signature, at)).toBe("invalid");
    expect(checkLocalDocumentLink(secret, key, expires, null, at)).toBe("invalid");
    expect(checkLocalDocumentLink(secret, key, "1e9", signature, at)).toBe("invalid");
  });
});

describe("S3 document links", () => {
  it("are presigned GETs of the bucket's object, valid 5 minutes, shown inline as PDF", async () => {
    const client = new S3Client({
      region: "ca-central-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    });
    const url = new URL(await s3DocumentLinks(client, "docs-bucket").urlFor("bills/2026/B-1.pdf"));
    expect(url.protocol).toBe("https:");
    expect(url.hostname).toBe("docs-bucket.s3.ca-central-1.amazonaws.com");
    expect(url.pathname).toBe("/bills/2026/B-1.pdf");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("response-content-type")).toBe("application/pdf");
    expect(url.searchParams.get("response-content-disposition")).toBe('inline; filename="B-1.pdf"');
    client.destroy();
  });

  it("are what a function granted the bucket uses; without it nor the local stack, the first link fails", async () => {
    const s3 = documentLinksFromEnv({
      DOCUMENTS_BUCKET: "docs-bucket",
      AWS_REGION: "ca-central-1",
    } as NodeJS.ProcessEnv);
    const previous = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: "ca-central-1",
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    try {
      expect(await s3.urlFor("a.pdf")).toMatch(/^https:\/\/docs-bucket\.s3\./);
    } finally {
      process.env = previous;
    }
    await expect(documentLinksFromEnv({}).urlFor("a.pdf")).rejects.toThrow(/DOCUMENTS_BUCKET/);
  });
});

describe("the demo PDF", () => {
  it("is a small, well-formed one-page PDF: header, objects where the xref says, trailer", () => {
    const pdf = readFileSync(new URL("../../../local/demo/documents/sample.pdf", import.meta.url));
    expect(pdf.length).toBeLessThan(2048);
    const text = pdf.toString("latin1");
    expect(text.startsWith("%PDF-1.")).toBe(true);
    expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe("xref");
    const entries = text.slice(startxref).split("\n").slice(3);
    const count = Number(/\/Size (\d+)/.exec(text)?.[1]);
    for (let n = 1; n < count; n++) {
      const offset = Number(entries[n - 1]?.slice(0, 10));
      expect(text.slice(offset).startsWith(`${n} 0 obj`), `object ${n}`).toBe(true);
    }
    expect(text).toContain("/Type /Page ");
    expect(text).toMatch(/\/Count 1\b/);
    const length = Number(/\/Length (\d+)/.exec(text)?.[1]);
    const stream = text.indexOf("stream\n") + "stream\n".length;
    expect(text.slice(stream + length, stream + length + "endstream".length)).toBe("endstream");
  });
});
