import type { SESv2Client } from "@aws-sdk/client-sesv2";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { NoticeMailer } from "../domain/notices/ports";
import { noticeStores } from "./notice-stores";
import type { RuntimeConfig } from "./runtime-config";
import { sesNoticeMailer } from "./ses-mailer";

/**
 * The collaborators of the notice sender, wired from the runtime configuration: shared by the sender
 * function and by `npm run notices`, so that both run the same code.
 */
export function noticeDeps(
  config: RuntimeConfig,
  clients: { dynamodb: DynamoDBDocumentClient; ses: SESv2Client },
): ReturnType<typeof noticeStores> & { mailer: NoticeMailer } {
  return {
    ...noticeStores(config, clients.dynamodb),
    mailer: sesNoticeMailer(clients.ses, {
      ...config.ses,
      supportPhone: config.supportPhone,
      webBaseUrl: config.webBaseUrl,
    }),
  };
}
