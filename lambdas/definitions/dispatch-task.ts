import * as z from "zod/mini";

/**
 * The daily dispatch, fanned out: the scheduled dispatcher puts one message per shard on the dispatch
 * queue; a worker walks its shard until its time runs low, then puts the rest (the cursor) back on
 * the queue as a continuation. An operator's CLI invokes the worker directly with the same fields.
 */
export const dispatchTask = z.strictObject({
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  // A refinement, not z.int() with bounds: those bring zod's numeric checks (~1.5 KiB) into the
  // worker's bundle for this one field.
  shard: z.number().check(z.refine((n) => Number.isInteger(n) && n >= 0 && n < 1024, "a shard number")),
  /** The run every continuation of the day's dispatch shares: its claims are its own (`resumed`). */
  runId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The pending-notices index key to start after (DynamoDB's LastEvaluatedKey, plain strings). */
  cursor: z.optional(z.record(z.string(), z.string())),
  dryRun: z.optional(z.boolean()),
});
export type DispatchTask = z.infer<typeof dispatchTask>;
