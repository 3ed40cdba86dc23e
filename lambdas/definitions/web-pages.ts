/**
 * The website's addresses that the API writes into its e-mails: the confirmation link points at the
 * reference website's confirmation page, which reads the token from this query parameter.
 */
export const confirmationPage = { path: "/confirmation", tokenParameter: "token" } as const;

/** The confirmation link of a token, under the stage's web base URL. */
export function confirmationLink(webBaseUrl: string, token: string): string {
  const url = new URL(`${webBaseUrl.replace(/\/+$/, "")}${confirmationPage.path}`);
  url.searchParams.set(confirmationPage.tokenParameter, token);
  return url.toString();
}
