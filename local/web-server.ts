import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { securityHeaders } from "../web/headers";
import type { WebConfig } from "../web/src/config";
import { pageOf } from "../web/src/pages";

/** web/ beside local/, wherever npm start is run from. */
const webDir = fileURLToPath(new URL("../web", import.meta.url));

/** The page's script, bundled in memory from web/src (one file, readable: not minified). */
async function bundleScript(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(webDir, "src/main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    // The Cognito library's Buffer polyfill reads `global`, which browsers call globalThis.
    define: { global: "globalThis" },
    logLevel: "silent",
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error("esbuild produced no script for web/src/main.ts");
  return file.text;
}

interface Asset {
  readonly type: string;
  readonly body: string;
}

export interface WebServerOptions {
  /** What /config.json says; read on each request, so a test may start the API after the site. */
  readonly config: () => WebConfig;
}

/**
 * The reference website, served locally: the HTML shell for every page path, the bundled script,
 * the style sheet and /config.json, each with the security headers. Built once, at start.
 */
export async function createWebServer(options: WebServerOptions): Promise<Server> {
  const assets = new Map<string, Asset>([
    ["/app.js", { type: "text/javascript; charset=utf-8", body: await bundleScript() }],
    [
      "/styles.css",
      { type: "text/css; charset=utf-8", body: readFileSync(resolve(webDir, "styles.css"), "utf8") },
    ],
  ]);
  const shell = readFileSync(resolve(webDir, "index.html"), "utf8");
  return createServer((req, res) => {
    const config = options.config();
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...securityHeaders(config), "Content-Type": type, ...extra });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(405, "text/plain; charset=utf-8", "Method not allowed\n", { Allow: "GET, HEAD" });
      return;
    }
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const asset = assets.get(pathname);
    if (asset) return send(200, asset.type, asset.body);
    if (pathname === "/config.json") {
      return send(200, "application/json; charset=utf-8", JSON.stringify(config), {
        "Cache-Control": "no-store",
      });
    }
    // The site has no icon: browsers ask anyway, and a 404 would be noise in the console.
    if (pathname === "/favicon.ico") return send(204, "image/x-icon", "");
    if (pageOf(pathname) !== undefined) return send(200, "text/html; charset=utf-8", shell);
    send(404, "text/plain; charset=utf-8", "Page introuvable / Page not found\n");
  });
}
