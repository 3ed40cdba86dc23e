import { MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import * as z from "zod/mini";
import { documentClient } from "../adapters/dynamodb";
import { logger, metrics } from "../adapters/observability";
import { flagUndeliverable } from "../adapters/profile-store";
import { runtimeConfig } from "../adapters/runtime-config";
import { emailEventMetrics } from "../definitions/metrics";
import { observability } from "../middleware/observability";

const config = runtimeConfig();
const client = documentClient();

const recipients = z.array(z.object({ emailAddress: z.string() }));

/**
 * SES events of the stage's configuration set, through EventBridge: a permanent bounce or a
 * complaint marks the address undeliverable (notices stop) and flags the account for support.
 * In zod/mini, as the request schemas: classic zod would be most of this function's own bytes.
 */
const sesEvent = z.object({
  detail: z.object({
    eventType: z.string(),
    bounce: z.optional(z.object({ bounceType: z.string(), bouncedRecipients: recipients })),
    complaint: z.optional(z.object({ complainedRecipients: recipients })),
    mail: z.optional(z.object({ messageId: z.string() })),
  }),
});

export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const parsed = sesEvent.safeParse(event);
    if (!parsed.success) {
      logger.warn("ignored an event that is not an SES event");
      return { flagged: 0 };
    }
    const { detail } = parsed.data;
    let reason: "BOUNCE" | "COMPLAINT" | null = null;
    let recipients: string[] = [];
    if (detail.eventType === "Bounce" && detail.bounce?.bounceType === "Permanent") {
      reason = "BOUNCE";
      recipients = detail.bounce.bouncedRecipients.map((r) => r.emailAddress);
    } else if (detail.eventType === "Complaint" && detail.complaint) {
      reason = "COMPLAINT";
      recipients = detail.complaint.complainedRecipients.map((r) => r.emailAddress);
    }
    if (!reason) return { flagged: 0 };
    let flagged = 0;
    for (const address of recipients) {
      flagged += await flagUndeliverable(
        client,
        config.tables.profiles,
        address.trim().toLowerCase(),
        reason,
        new Date(),
      );
    }
    metrics.addMetric(
      reason === "BOUNCE" ? emailEventMetrics.bounced : emailEventMetrics.complained,
      MetricUnit.Count,
      recipients.length,
    );
    logger.info("SES event", {
      eventType: detail.eventType,
      reason,
      flagged,
      messageId: detail.mail?.messageId,
    });
    return { flagged };
  });
