import * as z from "zod/mini";

/**
 * What the dispatcher puts on the queue for each claimed bill (the same locally and on SQS), apart
 * from the pipeline's other facts (notices.ts): the retention table reads those in functions that
 * never read a message (me-export), and the bundler keeps a schema wherever its module is imported.
 * In zod/mini, as the request schemas are: the sender bundles it.
 */
export const noticeMessage = z.strictObject({
  customerNumber: z.string().check(z.regex(/^\d{7}$/)),
  billId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The dispatcher run that claimed it, for the logs. */
  runId: z.string().check(z.maxLength(64)),
  /** The day the run applied the rules for (an operator may re-run a past day): the sender uses it too. */
  runDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
});
export type NoticeMessage = z.infer<typeof noticeMessage>;
