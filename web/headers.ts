import { cognitoOrigin, type WebConfig } from "./src/config";

/**
 * The security headers of every page and file of the website. The page may talk to itself, the API
 * and Cognito, and to nothing else: no inline script or style, no frame, no form posted elsewhere.
 * Whatever serves the site (the local web server, a CDN's response headers policy) sends these.
 */
export function securityHeaders(config: WebConfig): Record<string, string> {
  const connect = ["'self'", new URL(config.apiUrl).origin, cognitoOrigin(config)];
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${[...new Set(connect)].join(" ")}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ];
  return {
    "Content-Security-Policy": policy.join("; "),
    // The confirmation link's token must never leave in a Referer header, nor any other address.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
  };
}
