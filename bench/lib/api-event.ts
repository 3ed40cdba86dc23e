import type { APIGatewayProxyEvent } from "aws-lambda";

export interface ApiEventRequest {
  readonly method: string;
  /** The concrete request path, e.g. /v1/health. */
  readonly path: string;
  /** The API Gateway resource it falls under, e.g. /v1/bills/{billId} or /{proxy+}. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  /** Routes behind the Cognito authorizer get its claims, as API Gateway would pass them. */
  readonly auth: boolean;
}

/** An API Gateway REST proxy event as it reaches the function, with every field the type requires. */
export function apiGatewayEvent(request: ApiEventRequest): APIGatewayProxyEvent {
  const headers = {
    Accept: "application/json",
    "Accept-Language": "en-CA,en;q=0.9",
    Host: "bench.execute-api.ca-central-1.amazonaws.com",
    "User-Agent": "bench",
  };
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ? { ...request.pathParameters } : null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "bench",
      authorizer: request.auth
        ? { claims: { sub: "00000000-0000-4000-8000-000000000000", email: "bench@example.com" } }
        : null,
      protocol: "HTTP/1.1",
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: "127.0.0.1",
        user: null,
        userAgent: "bench",
        userArn: null,
      },
      path: `/bench${request.path}`,
      stage: "bench",
      requestId: "00000000-0000-4000-8000-000000000001",
      requestTimeEpoch: 0,
      resourceId: "bench",
      resourcePath: request.resource,
    },
  };
}
