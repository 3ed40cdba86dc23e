/**
 * The notice pipeline's environment variables. Apart from notices.ts on purpose: runtime-config.ts
 * reads them in every function, and notices.ts defines a zod schema that would otherwise come along
 * into bundles that never read a notice message (authorizer, me-bills, ...).
 */
export const noticeEnv = {
  queueUrl: "NOTICE_QUEUE_URL",
  dispatchQueueUrl: "NOTICE_DISPATCH_QUEUE_URL",
  sesMaxSendRate: "SES_MAX_SEND_RATE",
  senderConcurrency: "NOTICE_SENDER_CONCURRENCY",
  claimLeaseSeconds: "NOTICE_CLAIM_LEASE_SECONDS",
} as const;
