import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { callApi } from "./api";
import { apiPath } from "./api-paths";
import type { WebConfig } from "./config";

/**
 * Sign-in through amazon-cognito-identity-js: SRP against AWS, USER_PASSWORD_AUTH on the emulator
 * (it has no SRP). Tokens stay in this tab's session storage: gone when the tab closes, never in a
 * cookie (the API reads only the Authorization header, so no cookie could be replayed at it).
 */
export class Session {
  private readonly pool: CognitoUserPool;

  constructor(private readonly config: WebConfig) {
    this.pool = new CognitoUserPool({
      UserPoolId: config.cognito.userPoolId,
      ClientId: config.cognito.clientId,
      Storage: sessionStorage,
      ...(config.cognito.endpoint ? { endpoint: config.cognito.endpoint } : {}),
    });
  }

  signIn(email: string, password: string): Promise<void> {
    // Cognito on AWS ignores the case of an e-mail user name; the emulator does not.
    const username = email.trim().toLowerCase();
    const user = new CognitoUser({ Username: username, Pool: this.pool, Storage: sessionStorage });
    user.setAuthenticationFlowType(this.config.cognito.authFlow);
    return new Promise((resolve, reject) => {
      user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
        onSuccess: () => resolve(),
        onFailure: (error: unknown) => reject(error),
        // Profiles are created with their password by the API: no other challenge is expected.
        newPasswordRequired: () => reject(new Error("NEW_PASSWORD_REQUIRED")),
        mfaRequired: () => reject(new Error("MFA_REQUIRED")),
        totpRequired: () => reject(new Error("MFA_REQUIRED")),
      });
    });
  }

  /** The signed-in user and a valid session (refreshed by the library when needed), if any. */
  private current(): Promise<{ user: CognitoUser; session: CognitoUserSession } | undefined> {
    const user = this.pool.getCurrentUser();
    if (!user) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      user.getSession((error: Error | null, session: CognitoUserSession | null) => {
        resolve(!error && session?.isValid() ? { user, session } : undefined);
      });
    });
  }

  /** The access token the API is called with, or undefined when nobody is signed in. */
  async accessToken(): Promise<string | undefined> {
    return (await this.current())?.session.getAccessToken().getJwtToken();
  }

  /**
   * Signs out everywhere: Cognito's global sign-out (on AWS from the browser; the emulator lacks it),
   * then the API's, which ends every session through Cognito too and makes the API refuse every token
   * issued so far. Then this tab forgets its tokens, whatever failed.
   */
  async signOut(): Promise<void> {
    const signedIn = await this.current();
    if (!signedIn) return;
    const { user, session } = signedIn;
    try {
      if (this.config.cognito.authFlow === "USER_SRP_AUTH") {
        await new Promise<void>((resolve) =>
          user.globalSignOut({ onSuccess: () => resolve(), onFailure: () => resolve() }),
        );
      }
      await callApi(this.config, "POST", apiPath("me", "POST"), {
        token: session.getAccessToken().getJwtToken(),
      }).catch(() => undefined);
    } finally {
      user.signOut();
    }
  }

  /** Forgets this tab's tokens only (after the profile was closed: there is no session left). */
  forget(): void {
    this.pool.getCurrentUser()?.signOut();
  }
}
