import { confirmationPage } from "../../lambdas/definitions/web-pages";

/** The website's pages: the server answers each with the one HTML shell, the script draws the page. */
export const pagePaths = {
  enrollment: "/",
  confirmation: confirmationPage.path,
  signIn: "/connexion",
  account: "/compte",
} as const;

export type PageName = keyof typeof pagePaths;

export function pageOf(pathname: string): PageName | undefined {
  return (Object.keys(pagePaths) as PageName[]).find((name) => pagePaths[name] === pathname);
}
