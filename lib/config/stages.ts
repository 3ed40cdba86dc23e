import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { DEFAULT_SUPPORT_PHONE } from "../../lambdas/definitions/limits";

/**
 * The one place where the environments differ. Everything a stack needs to know about its stage comes
 * from here; nothing in lib/ branches on a stage name.
 */

export const stageNames = ["dev", "staging", "prod"] as const;
export type StageName = (typeof stageNames)[number];

export interface ThrottleConfig {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests API Gateway absorbs in a burst above the rate. */
  readonly burstLimit: number;
}

export interface StageConfig {
  readonly name: StageName;
  /** Undefined: the account of the credentials the CLI runs with (CDK_DEFAULT_ACCOUNT). */
  readonly account?: string;
  readonly region: string;
  /** The one browser origin allowed by CORS (scheme, host and port; no path). */
  readonly webOrigin: string;
  /** Base of the links in e-mails, e.g. `${webBaseUrl}/confirmation?token=…`. */
  readonly webBaseUrl: string;
  /** SES sender; its domain must be a verified SES identity in the stage's account and region. */
  readonly sesFromAddress: string;
  /** Printed in the messages about failed verification. */
  readonly supportPhone: string;
  readonly verification: {
    readonly maxFailures: number;
    readonly windowSeconds: number;
    readonly lockoutSeconds: number;
    /** Failures of one customer number in any 24 hours before every attempt is refused. */
    readonly dailyMaxFailures: number;
    /**
     * The stage-wide failure budget: at or above this many failed verifications in the last hour,
     * verification steps up (README, "Guessing"). Sized from the honest failure rate.
     */
    readonly globalFailuresPerHour: number;
    /**
     * The most verification instances that run at once (reserved concurrency). Each may answer one
     * failure past the budget before it sees the count, so the guessing bound is
     * 24 × (budget + this) guesses a day (README, "Guessing"): it must stay small.
     */
    readonly maxConcurrency: number;
  };
  /**
   * The SES account's maximum send rate (a quota AWS raises on request; set this to the quota the
   * account has). The notice senders pace themselves below it, their concurrency comes from it, and
   * it bounds the day: N notices take N / rate seconds (1,000,000 at 14/s: 20 hours; at 1,000/s:
   * 17 minutes). The claim lease follows it (claimLeaseSeconds). README, "Notices at scale".
   */
  readonly sesMaxSendRatePerSecond: number;
  readonly notices: {
    /** A bill is announced this many days after its billing date. */
    readonly delayDays: number;
    /** Local time of the daily run, "HH:MM", in `timeZone`. */
    readonly scheduleTime: string;
    readonly timeZone: string;
  };
  readonly logRetention: RetentionDays;
  readonly logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  readonly api: {
    /** Stage-wide throttling, every method. */
    readonly throttle: ThrottleConfig;
    /** Tighter throttling of the routes marked `throttled: "enrollment"`. */
    readonly enrollmentThrottle: ThrottleConfig;
  };
  readonly waf: {
    /** Requests per client IP per 5 minutes on /v1/enrollment* before WAF answers 429. */
    readonly enrollmentRequestsPerIpPer5Minutes: number;
    /**
     * AWS WAF Fraud Control account takeover prevention (AWSManagedRulesATPRuleSet) on the
     * verification route. $10 a month plus $1 per 1,000 verifications it analyses: README "AWS edge"
     * says what it would and would not catch on a regional API, and why it is off.
     */
    readonly accountTakeoverPrevention: boolean;
  };
  readonly alarms: {
    /**
     * Subscribed by e-mail to the stage's alarm topic. SNS sends a confirmation first: the alarms reach
     * the address once someone clicks its link. `cdk deploy -c alarmEmail=ADDRESS` replaces it.
     */
    readonly email: string;
    /** API Gateway 5xx answers of one route in 5 minutes before operators are told. */
    readonly api5xxPer5Minutes: number;
    /** p99 latency of one route, in milliseconds, over 5 minutes, three periods in a row. */
    readonly apiP99LatencyMs: number;
    /**
     * Answers refused because the customer number is locked out (429) in one hour before operators
     * are told. A customer who locked themselves out retries a few times; dozens an hour mean
     * someone keeps hammering locked accounts. (The failure-budget alarm uses
     * `verification.globalFailuresPerHour`.)
     */
    readonly lockedOutAnswersPerHour: number;
  };
  readonly userPool: {
    /**
     * Cognito threat protection (Plus feature plan): "AUDIT" only records risky sign-ins, "ENFORCED"
     * blocks them and refuses compromised passwords.
     */
    readonly threatProtection: "AUDIT" | "ENFORCED";
    /**
     * Cognito's own e-mails (password reset codes) through SES from `sesFromAddress`. Off: Cognito's
     * default sender (50 messages a day, no SES identity needed), good enough for dev.
     */
    readonly emailViaSes: boolean;
  };
  /**
   * Production data is kept when a stack or resource is deleted (RETAIN, deletion protection);
   * elsewhere everything is disposable so that a stage can be torn down and rebuilt.
   */
  readonly retainData: boolean;
}

const DEFAULT_REGION = "ca-central-1";

/** Shared by every stage unless it overrides them. */
const common = {
  region: DEFAULT_REGION,
  supportPhone: DEFAULT_SUPPORT_PHONE,
  verification: {
    maxFailures: 5,
    windowSeconds: 900,
    lockoutSeconds: 900,
    dailyMaxFailures: 10,
    globalFailuresPerHour: 50,
    // About 50 ms a verification: 10 at once serve 200 a second, ten times the enrollment throttle.
    maxConcurrency: 10,
  },
  notices: { delayDays: 3, scheduleTime: "06:00", timeZone: "America/Toronto" },
  logLevel: "INFO",
  alarms: { lockedOutAnswersPerHour: 50, api5xxPer5Minutes: 5, apiP99LatencyMs: 3000 },
} as const satisfies Partial<Omit<StageConfig, "alarms">> & {
  alarms: Omit<StageConfig["alarms"], "email">;
};

// The example.ca host names are placeholders until the website team gives the real ones.
const stages: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    ...common,
    name: "dev",
    account: process.env.CDK_DEFAULT_ACCOUNT,
    webOrigin: "https://dev.services.example.ca",
    webBaseUrl: "https://dev.services.example.ca",
    sesFromAddress: "no-reply@dev.services.example.ca",
    alarms: { ...common.alarms, email: "operations@dev.services.example.ca" },
    // A new SES account is in the sandbox: 1 message per second.
    sesMaxSendRatePerSecond: 1,
    logRetention: RetentionDays.TWO_WEEKS,
    api: {
      throttle: { rateLimit: 20, burstLimit: 40 },
      enrollmentThrottle: { rateLimit: 5, burstLimit: 10 },
    },
    waf: { enrollmentRequestsPerIpPer5Minutes: 100, accountTakeoverPrevention: false },
    userPool: { threatProtection: "AUDIT", emailViaSes: false },
    retainData: false,
  },
  staging: {
    ...common,
    name: "staging",
    account: process.env.CDK_DEFAULT_ACCOUNT,
    webOrigin: "https://staging.services.example.ca",
    webBaseUrl: "https://staging.services.example.ca",
    sesFromAddress: "no-reply@staging.services.example.ca",
    alarms: { ...common.alarms, email: "operations@staging.services.example.ca" },
    sesMaxSendRatePerSecond: 1,
    logRetention: RetentionDays.ONE_MONTH,
    api: {
      throttle: { rateLimit: 50, burstLimit: 100 },
      enrollmentThrottle: { rateLimit: 10, burstLimit: 20 },
    },
    waf: { enrollmentRequestsPerIpPer5Minutes: 100, accountTakeoverPrevention: false },
    // Same blocking behaviour as production, so that staging tests see what customers will see.
    userPool: { threatProtection: "ENFORCED", emailViaSes: true },
    retainData: false,
  },
  prod: {
    ...common,
    name: "prod",
    account: process.env.CDK_DEFAULT_ACCOUNT,
    webOrigin: "https://services.example.ca",
    webBaseUrl: "https://services.example.ca",
    sesFromAddress: "no-reply@services.example.ca",
    alarms: { ...common.alarms, email: "operations@services.example.ca" },
    // Contract §6: 1,000,000 notices within the day. 1,000/s sends them in 17 minutes and needs the
    // account's SES quota raised to it first; at a lower quota SES throttles, the senders back off
    // and nothing is lost, but the day takes 1,000,000 / quota seconds.
    sesMaxSendRatePerSecond: 1000,
    // 25 failed verifications an hour: about twice the honest failures of a busy hour (README,
    // "Guessing"), and low enough that guessing stays under 0.01 takeovers a day.
    verification: { ...common.verification, globalFailuresPerHour: 25 },
    logRetention: RetentionDays.ONE_YEAR,
    api: {
      throttle: { rateLimit: 200, burstLimit: 400 },
      enrollmentThrottle: { rateLimit: 20, burstLimit: 40 },
    },
    // Households behind one carrier NAT share an IP: generous, yet far below an enumeration rate.
    // No ATP in prod either (README "AWS edge"): on a regional API it cannot see failed
    // verifications, and its $1,000 per million analysed would be paid on an attacker's volume.
    waf: { enrollmentRequestsPerIpPer5Minutes: 300, accountTakeoverPrevention: false },
    userPool: { threatProtection: "ENFORCED", emailViaSes: true },
    retainData: true,
  },
};

export class UnknownStageError extends Error {
  constructor(name: string) {
    super(`Unknown stage "${name}": use one of ${stageNames.join(", ")} (cdk synth -c stage=NAME).`);
    this.name = "UnknownStageError";
  }
}

export function isStageName(name: string): name is StageName {
  return (stageNames as readonly string[]).includes(name);
}

export function getStage(name: string): StageConfig {
  if (!isStageName(name)) throw new UnknownStageError(name);
  return stages[name];
}

/** Prefix of every physical name of a stage: table names, user pool name, API name. */
export function resourcePrefix(stage: StageConfig): string {
  return `enrollment-${stage.name}`;
}

/** "Enrollment-dev" and so on: the CloudFormation stack names start with it. */
export function stackNamePrefix(stage: StageConfig): string {
  return `Enrollment-${stage.name}`;
}
