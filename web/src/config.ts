/**
 * What the page learns at run time from `/config.json`: where the API and Cognito are. The local
 * web server writes it from the running stack; a deployed site would serve the stage's values.
 */
export interface WebConfig {
  /** The API's base URL, without a trailing slash. */
  readonly apiUrl: string;
  /** Shown when the API cannot be reached at all (its own messages carry it otherwise). */
  readonly supportPhone: string;
  readonly cognito: {
    readonly userPoolId: string;
    readonly clientId: string;
    /** The emulator's URL locally; absent on AWS, where the library derives it from the pool's region. */
    readonly endpoint?: string;
    /**
     * SRP against AWS; the emulator has no SRP, so the local web client allows USER_PASSWORD_AUTH
     * (the local user pool's client, see webClientAuthFlows) and the page uses it.
     */
    readonly authFlow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH";
  };
}

/** The Cognito endpoint the browser talks to: the one configured, or the pool region's. */
export function cognitoOrigin(config: WebConfig): string {
  if (config.cognito.endpoint) return new URL(config.cognito.endpoint).origin;
  const region = config.cognito.userPoolId.split("_")[0];
  return `https://cognito-idp.${region}.amazonaws.com`;
}
