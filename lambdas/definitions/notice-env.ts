/**
 * The notice pipeline's environment variables. Apart from notices.ts on purpose: runtime-config.ts
 * reads them in every function, and notices.ts defines a zod schema that would otherwise come along
 * into bundles that never read a notice message (authorizer, me-bills, ...).
 */
export const noticeEnv = {
  queueUrl: "NOTICE_QUEUE_URL",
  sesMaxSendRate: "SES_MAX_SEND_RATE",
  senderConcurrency: "NOTICE_SENDER_CONCURRENCY",
} as const;
