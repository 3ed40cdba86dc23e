import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/**
 * What the Lambda runtime hands a function, locally: a context of its own for each invocation, with
 * the function's name and a request id of its own (the API's handlers and their authorizer are
 * separate functions in AWS, each invocation with its own id), so that their log lines say which
 * function and which invocation wrote them.
 */
export function lambdaContext(name: string, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:ca-central-1:000000000000:function:local-${name}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/local-${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
