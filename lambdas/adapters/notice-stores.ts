import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { NoticeProfiles, NoticeStates, PendingBills } from "../domain/notices/ports";
import { noticeStates } from "./notice-store";
import { pendingBills } from "./pending-bills";
import { noticeProfiles } from "./profile-store";

/**
 * The DynamoDB side of the notice use cases: all the dispatcher needs (it sends no e-mail, so its
 * bundle carries no SES client). The sender adds its mailer (notice-deps.ts).
 */
/** What the stores read of the configuration: the full RuntimeConfig, or just these pieces. */
export interface NoticeStoreConfig {
  readonly tables: { readonly bills: string; readonly profiles: string; readonly notices: string };
  readonly notices: { readonly claimLeaseSeconds: number };
}

export function noticeStores(
  config: NoticeStoreConfig,
  dynamodb: DynamoDBDocumentClient,
): { bills: PendingBills; profiles: NoticeProfiles; states: NoticeStates; now: () => Date } {
  return {
    bills: pendingBills(dynamodb, config.tables.bills),
    profiles: noticeProfiles(dynamodb, config.tables.profiles),
    states: noticeStates(dynamodb, config.tables.notices, {
      claimLeaseSeconds: config.notices.claimLeaseSeconds,
    }),
    now: () => new Date(),
  };
}
