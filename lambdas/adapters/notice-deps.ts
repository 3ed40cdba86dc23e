import type { SESv2Client } from "@aws-sdk/client-sesv2";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { NoticeMailer, NoticeProfiles, NoticeStates, PendingBills } from "../domain/notices/ports";
import { noticeStates } from "./notice-store";
import { pendingBills } from "./pending-bills";
import { noticeProfiles } from "./profile-store";
import type { RuntimeConfig } from "./runtime-config";
import { sesNoticeMailer } from "./ses-mailer";

/**
 * The collaborators of the notice use cases, wired from the runtime configuration: shared by the
 * dispatcher and sender functions and by `npm run notices`, so that all run the same code.
 */
export function noticeDeps(
  config: RuntimeConfig,
  clients: { dynamodb: DynamoDBDocumentClient; ses: SESv2Client },
): {
  bills: PendingBills;
  profiles: NoticeProfiles;
  states: NoticeStates;
  mailer: NoticeMailer;
  now: () => Date;
} {
  return {
    bills: pendingBills(clients.dynamodb, config.tables.bills),
    profiles: noticeProfiles(clients.dynamodb, config.tables.profiles),
    states: noticeStates(clients.dynamodb, config.tables.notices),
    mailer: sesNoticeMailer(clients.ses, {
      ...config.ses,
      supportPhone: config.supportPhone,
      webBaseUrl: config.webBaseUrl,
    }),
    now: () => new Date(),
  };
}
