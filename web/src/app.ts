import type { Session } from "./auth";
import type { WebConfig } from "./config";
import type { PageName } from "./pages";

/** What every page receives: the configuration, the sign-in session, and how to move on. */
export interface App {
  readonly config: WebConfig;
  readonly session: Session;
  /** Shows another page (a new address in the history), with an optional notice on top of it. */
  go(page: PageName, notice?: string): void;
  /** Draws this page's content into main, moving focus to its heading for screen-reader users. */
  show(...content: (Node | null)[]): void;
}

/** A page draws itself; it is called again, from its own state, when the language changes. */
export type Page = (app: App) => void | Promise<void>;
