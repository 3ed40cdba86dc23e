/**
 * What one million notices cost in ca-central-1, from the per-notice counts the section measures.
 * Prices in USD, list prices without the free tiers (which a million notices a month would exhaust
 * for DynamoDB and SQS, and which do not change the marginal cost). See BENCHMARKS.md, "Notices",
 * for where each price comes from and which are assumptions.
 */
export const prices = {
  /** Read as of 2026-11: see BENCHMARKS.md. */
  asOf: "2026-11",
  region: "ca-central-1",
  dynamodb: {
    /** On-demand, Standard table class, per million read request units. */
    readRequestUnitPerMillion: 0.1375,
    /** On-demand, Standard table class, per million write request units. */
    writeRequestUnitPerMillion: 0.6875,
  },
  /** Standard queue, per million requests (each 64 KiB of payload is one request). */
  sqsRequestPerMillion: 0.4,
  lambda: {
    /** arm64, first 7.5 billion GB-s a month. */
    gbSecondArm: 0.0000133334,
    requestPerMillion: 0.2,
  },
  /** $0.10 per 1,000 e-mails. */
  sesPerMillion: 100,
} as const;

export interface PipelineShape {
  /** Sender function memory (GB) and how many messages one invocation receives. */
  readonly memoryGb: number;
  readonly senderBatchSize: number;
  /** Sender concurrency and the send rate: each sender paces itself at rate / concurrency. */
  readonly senderConcurrency: number;
  readonly sendRatePerSecond: number;
  /** SQS SendMessageBatch size. */
  readonly queueBatchSize: number;
}

export interface MeasuredPerNotice {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** sendNotice's own time (state writes, reads, SES), mean ms, no pacing wait. */
  readonly senderWorkMs: number;
  /** The dispatch phase's wall time divided by the notices it queued, ms. */
  readonly dispatchMs: number;
}

export interface CostLine {
  readonly item: string;
  /** Units for one million notices, in the unit that the price is quoted in. */
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly usd: number;
  readonly note: string;
}

/**
 * The cost lines for one million notices. SQS and Lambda are modelled from the deployed shape (the
 * bench runs the same use cases over an in-memory queue, in one process); DynamoDB is measured.
 */
export function costOfMillion(m: MeasuredPerNotice, shape: PipelineShape): CostLine[] {
  const million = 1_000_000;
  const perSenderInterval = (1000 * shape.senderConcurrency) / shape.sendRatePerSecond;
  // A deployed sender waits for its pace slot inside the invocation: the wait is billed duration.
  const senderBilledMs = Math.max(m.senderWorkMs, perSenderInterval);
  const sqsRequests = 1 / shape.queueBatchSize + 1 / shape.senderBatchSize + 1 / shape.senderBatchSize;
  const lines: CostLine[] = [
    {
      item: "DynamoDB reads",
      quantity: m.readUnits * million,
      unit: "RRU",
      unitPrice: prices.dynamodb.readRequestUnitPerMillion / million,
      usd: (m.readUnits * million * prices.dynamodb.readRequestUnitPerMillion) / million,
      note: "measured",
    },
    {
      item: "DynamoDB writes",
      quantity: m.writeUnits * million,
      unit: "WRU",
      unitPrice: prices.dynamodb.writeRequestUnitPerMillion / million,
      usd: (m.writeUnits * million * prices.dynamodb.writeRequestUnitPerMillion) / million,
      note: "measured",
    },
    {
      item: "SQS requests",
      quantity: sqsRequests * million,
      unit: "requests",
      unitPrice: prices.sqsRequestPerMillion / million,
      usd: sqsRequests * prices.sqsRequestPerMillion,
      note: `modelled: send batches of ${shape.queueBatchSize}, receive and delete batches of ${shape.senderBatchSize}`,
    },
    {
      item: "Lambda sender duration",
      quantity: (senderBilledMs / 1000) * shape.memoryGb * million,
      unit: "GB-s",
      unitPrice: prices.lambda.gbSecondArm,
      usd: (senderBilledMs / 1000) * shape.memoryGb * million * prices.lambda.gbSecondArm,
      note: `${senderBilledMs.toFixed(1)} ms a notice: max(work ${m.senderWorkMs.toFixed(1)} ms, pace ${perSenderInterval.toFixed(0)} ms)`,
    },
    {
      item: "Lambda sender requests",
      quantity: million / shape.senderBatchSize,
      unit: "invocations",
      unitPrice: prices.lambda.requestPerMillion / million,
      usd: (prices.lambda.requestPerMillion * million) / shape.senderBatchSize / million,
      note: `one invocation per ${shape.senderBatchSize} messages`,
    },
    {
      item: "Lambda dispatcher duration",
      quantity: (m.dispatchMs / 1000) * shape.memoryGb * million,
      unit: "GB-s",
      unitPrice: prices.lambda.gbSecondArm,
      usd: (m.dispatchMs / 1000) * shape.memoryGb * million * prices.lambda.gbSecondArm,
      note: `${m.dispatchMs.toFixed(2)} ms a notice, measured`,
    },
  ];
  return lines;
}

/** The same million, the sender's duration counted as work only (had it not waited for its pace). */
export function senderWorkOnlyUsd(m: MeasuredPerNotice, shape: PipelineShape): number {
  return (m.senderWorkMs / 1000) * shape.memoryGb * 1_000_000 * prices.lambda.gbSecondArm;
}
