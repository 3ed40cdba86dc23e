import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { ProfileRemovedNotifier } from "../domain/customer/remove-profile";
import { billAvailableEmail } from "../domain/emails/bill-available-email";
import { confirmationEmail } from "../domain/emails/confirmation-email";
import type { RenderedEmail } from "../domain/emails/html";
import { profileCreatedEmail } from "../domain/emails/profile-created-email";
import { profileExistsEmail } from "../domain/emails/profile-exists-email";
import { profileRemovedEmail } from "../domain/emails/profile-removed-email";
import { stepUpCodeEmail } from "../domain/emails/step-up-code-email";
import {
  DependencyUnavailableError,
  type Mailer,
  type ProfileCreatedNotifier,
  type StepUpMailer,
} from "../domain/enrollment/ports";
import { type NoticeMailer, SendThrottledError } from "../domain/notices/ports";

/**
 * The function's one SES v2 client. Timeouts are short: an e-mail that cannot be handed over in a
 * few seconds is retried, never left hanging (the local emulator never answers some calls).
 */
let shared: SESv2Client | undefined;
export function sesClient(): SESv2Client {
  shared ??= new SESv2Client({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
  });
  return shared;
}

export interface SesSettings {
  readonly from: string;
  /** Bounces and complaints of the stage are published through it. */
  readonly configurationSet?: string;
}

const THROTTLED = new Set([
  "TooManyRequestsException",
  "LimitExceededException",
  "ThrottlingException",
  "SendingPausedException",
]);

/** Sends one rendered e-mail; returns SES's message id. */
export async function sendEmail(
  client: SESv2Client,
  settings: SesSettings,
  to: string,
  email: RenderedEmail,
  tags: Readonly<Record<string, string>> = {},
): Promise<string> {
  try {
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: settings.from,
        Destination: { ToAddresses: [to] },
        ...(settings.configurationSet ? { ConfigurationSetName: settings.configurationSet } : {}),
        ...(Object.keys(tags).length > 0
          ? { EmailTags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value })) }
          : {}),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: email.text, Charset: "UTF-8" },
              Html: { Data: email.html, Charset: "UTF-8" },
            },
          },
        },
      }),
    );
    return out.MessageId ?? "";
  } catch (error) {
    const name = (error as { name?: string })?.name ?? "";
    if (THROTTLED.has(name)) throw new DependencyUnavailableError("SES", 2);
    if (name === "TimeoutError" || (error as { code?: string })?.code === "ECONNREFUSED") {
      throw new DependencyUnavailableError("SES", 5);
    }
    throw error;
  }
}

export function sesMailer(client: SESv2Client, settings: SesSettings & { supportPhone: string }): Mailer {
  return {
    async sendConfirmation(mail) {
      await sendEmail(
        client,
        settings,
        mail.to,
        confirmationEmail({ language: mail.language, link: mail.link, supportPhone: settings.supportPhone }),
      );
    },
    async sendProfileExists(mail) {
      await sendEmail(
        client,
        settings,
        mail.to,
        profileExistsEmail({
          language: mail.language,
          siteUrl: mail.siteUrl,
          supportPhone: settings.supportPhone,
        }),
        { kind: "profile-exists" },
      );
    },
  };
}

/** "Was this you?" through SES, to the contact address on file. */
export function sesProfileCreatedNotifier(
  client: SESv2Client,
  settings: SesSettings & { supportPhone: string },
): ProfileCreatedNotifier {
  return {
    async sendProfileCreated(mail) {
      await sendEmail(
        client,
        settings,
        mail.to,
        profileCreatedEmail({ ...mail, supportPhone: settings.supportPhone }),
        { kind: "profile-created" },
      );
    },
  };
}

/** "Your online profile was removed" through SES, to the enrolled and the contact addresses. */
export function sesProfileRemovedNotifier(
  client: SESv2Client,
  settings: SesSettings & { supportPhone: string },
): ProfileRemovedNotifier {
  return {
    async sendProfileRemoved(mail) {
      await sendEmail(
        client,
        settings,
        mail.to,
        profileRemovedEmail({ ...mail, supportPhone: settings.supportPhone }),
        { kind: "profile-removed" },
      );
    },
  };
}

/** The step-up code through SES, to the contact address on file. */
export function sesStepUpMailer(
  client: SESv2Client,
  settings: SesSettings & { supportPhone: string },
): StepUpMailer {
  return {
    async sendStepUpCode(mail) {
      await sendEmail(
        client,
        settings,
        mail.to,
        stepUpCodeEmail({ language: mail.language, code: mail.code, supportPhone: settings.supportPhone }),
        { kind: "step-up-code" },
      );
    },
  };
}

/** The monthly notice through SES; throttling becomes SendThrottledError (back to the queue). */
export function sesNoticeMailer(
  client: SESv2Client,
  settings: SesSettings & { supportPhone: string; webBaseUrl: string },
): NoticeMailer {
  return {
    async sendBillAvailable(mail) {
      const email = billAvailableEmail({
        language: mail.language,
        billingDate: mail.bill.billingDate,
        dueDate: mail.bill.dueDate,
        amountDueCents: mail.bill.amountDueCents,
        link: `${settings.webBaseUrl.replace(/\/+$/, "")}/factures`,
        supportPhone: settings.supportPhone,
      });
      try {
        // Tag values allow letters, digits, _ and -: the bill key's "#" becomes "_".
        return await sendEmail(client, settings, mail.to, email, {
          kind: "bill-available",
          bill: mail.billKey.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256),
        });
      } catch (error) {
        if (error instanceof DependencyUnavailableError)
          throw new SendThrottledError(error.retryAfterSeconds);
        throw error;
      }
    },
  };
}
