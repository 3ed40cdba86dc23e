import { callApi } from "./api";
import { apiPath } from "./api-paths";
import type { App, Page } from "./app";
import { Session } from "./auth";
import type { WebConfig } from "./config";
import { h } from "./dom";
import { currentLanguage, rememberLanguage, t } from "./i18n";
import { type PageName, pageOf, pagePaths } from "./pages";
import { accountPage } from "./pages/account";
import { confirmationPageView, takeConfirmationToken } from "./pages/confirmation";
import { enrollmentPage, restartEnrollment } from "./pages/enrollment";
import { signInPage } from "./pages/sign-in";

/** Before anything else runs or loads: the confirmation token leaves the address bar. */
takeConfirmationToken();

const pages: Record<PageName, Page> = {
  enrollment: enrollmentPage,
  confirmation: confirmationPageView,
  signIn: signInPage,
  account: accountPage,
};

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page shell has no #${id}`);
  return found;
}

async function start(): Promise<void> {
  const config = (await (await fetch("/config.json", { cache: "no-store" })).json()) as WebConfig;
  const session = new Session(config);
  const main = element("main");
  let notice: string | undefined;
  let firstDraw = true;

  const app: App = {
    config,
    session,
    go(page, message) {
      notice = message;
      history.pushState(null, "", pagePaths[page]);
      void draw();
    },
    show(...content) {
      const banner = notice ? h("p", { class: "message info", role: "status" }, notice) : null;
      main.replaceChildren(...[banner, ...content].filter((n): n is Node => n !== null));
      // Focus follows a new page or step (not the first load: the reader starts at the top anyway).
      if (!firstDraw) main.focus();
    },
  };

  async function draw(): Promise<void> {
    const text = t();
    document.documentElement.lang = currentLanguage();
    document.title = text.htmlTitle;
    element("site-name").textContent = text.siteName;
    const skip = document.querySelector<HTMLAnchorElement>("a.skip");
    if (skip) skip.textContent = text.skip;
    await drawNav();
    const page = pageOf(location.pathname) ?? "enrollment";
    await pages[page](app);
    firstDraw = false;
  }

  async function drawNav(): Promise<void> {
    const text = t();
    const signedIn = (await session.accessToken()) !== undefined;
    const link = (page: PageName, label: string) => {
      const current = pageOf(location.pathname) === page;
      return h(
        "a",
        { href: pagePaths[page], "data-page": page, "aria-current": current ? "page" : undefined },
        label,
      );
    };
    const switchButton = h(
      "button",
      { type: "button", lang: text.switchLanguage, class: "link" },
      text.switchTo,
    );
    switchButton.addEventListener("click", () => void switchLanguage());
    const items: Node[] = signedIn
      ? [link("account", text.navAccount), signOutButton()]
      : [link("enrollment", text.navEnroll), link("signIn", text.navSignIn)];
    const nav = element("nav");
    nav.setAttribute("aria-label", text.nav);
    nav.replaceChildren(h("ul", {}, ...[...items, switchButton].map((item) => h("li", {}, item))));
  }

  function signOutButton(): HTMLButtonElement {
    const button = h("button", { type: "button", class: "link" }, t().signOut);
    button.addEventListener("click", () => {
      void session.signOut().then(() => app.go("signIn", t().signedOutNotice));
    });
    return button;
  }

  /** The choice is remembered in this browser; a signed-in customer's profile gets it too. */
  async function switchLanguage(): Promise<void> {
    const language = t().switchLanguage;
    rememberLanguage(language);
    const token = await session.accessToken();
    if (token) {
      await callApi(config, "PATCH", apiPath("me", "PATCH"), { token, body: { language } }).catch(
        () => undefined,
      );
    }
    notice = undefined;
    await draw();
  }

  // Links between pages stay in the page (the in-memory state of a step survives them).
  document.addEventListener("click", (event) => {
    const target =
      event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[data-page]") : null;
    const page = target?.dataset.page as PageName | undefined;
    if (!target || !page || !(page in pagePaths)) return;
    event.preventDefault();
    if (page === "enrollment") restartEnrollment();
    app.go(page);
  });
  window.addEventListener("popstate", () => void draw());
  await draw();
}

void start();
