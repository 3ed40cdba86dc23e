/**
 * The floor of a function: the smallest bundle that pays for the same AWS SDK clients and nothing
 * else. Bundle size and cold start are read against it, so a ratio shows what the function's own
 * code and libraries (middy, Powertools, zod, ...) cost on top of the SDK it cannot do without.
 */

interface ClientFloor {
  /** Named imports per package that constructing the client needs. */
  readonly imports: Readonly<Record<string, readonly string[]>>;
  /** An expression that constructs the client as a function would. */
  readonly construct: string;
}

/**
 * How to construct each SDK client package a function may use. A package missing here is a type
 * error in bench/functions.ts, which is the point: a floor cannot be built for an unknown client.
 */
export const sdkClientFloors = {
  "@aws-sdk/client-cloudformation": {
    imports: { "@aws-sdk/client-cloudformation": ["CloudFormationClient"] },
    construct: "new CloudFormationClient({})",
  },
  "@aws-sdk/client-cognito-identity-provider": {
    imports: { "@aws-sdk/client-cognito-identity-provider": ["CognitoIdentityProviderClient"] },
    construct: "new CognitoIdentityProviderClient({})",
  },
  "@aws-sdk/client-dynamodb": {
    imports: { "@aws-sdk/client-dynamodb": ["DynamoDBClient"] },
    construct: "new DynamoDBClient({})",
  },
  "@aws-sdk/client-secrets-manager": {
    imports: { "@aws-sdk/client-secrets-manager": ["SecretsManagerClient"] },
    construct: "new SecretsManagerClient({})",
  },
  "@aws-sdk/client-sesv2": {
    imports: { "@aws-sdk/client-sesv2": ["SESv2Client"] },
    construct: "new SESv2Client({})",
  },
  "@aws-sdk/client-sqs": {
    imports: { "@aws-sdk/client-sqs": ["SQSClient"] },
    construct: "new SQSClient({})",
  },
  "@aws-sdk/client-s3": {
    imports: { "@aws-sdk/client-s3": ["S3Client"] },
    construct: "new S3Client({})",
  },
  // The document client wraps a DynamoDB client; it cannot be constructed alone.
  "@aws-sdk/lib-dynamodb": {
    imports: {
      "@aws-sdk/client-dynamodb": ["DynamoDBClient"],
      "@aws-sdk/lib-dynamodb": ["DynamoDBDocumentClient"],
    },
    construct: "DynamoDBDocumentClient.from(new DynamoDBClient({}))",
  },
} as const satisfies Record<string, ClientFloor>;

export type SdkClientPackage = keyof typeof sdkClientFloors;

/** Functions with the same clients share one floor: it is built and measured once per run. */
export function floorKey(clients: readonly SdkClientPackage[]): string {
  if (clients.length === 0) return "none";
  return [...new Set(clients)]
    .map((name) => name.replace("@aws-sdk/", ""))
    .sort()
    .join("+");
}

/** The floor's entry module (plain ESM), generated from the clients' table above. */
export function floorSource(clients: readonly SdkClientPackage[]): string {
  if (clients.length === 0) {
    return 'export const handler = async () => ({ statusCode: 200, body: "{}" });\n';
  }
  const imports = new Map<string, Set<string>>();
  const constructs: string[] = [];
  for (const client of [...new Set(clients)].sort()) {
    const floor: ClientFloor = sdkClientFloors[client];
    for (const [pkg, names] of Object.entries(floor.imports)) {
      const set = imports.get(pkg) ?? new Set<string>();
      for (const name of names) set.add(name);
      imports.set(pkg, set);
    }
    constructs.push(floor.construct);
  }
  const importLines = [...imports].map(
    ([pkg, names]) => `import { ${[...names].join(", ")} } from "${pkg}";`,
  );
  // The clients are constructed inside the handler (first invoke pays for it) and their count is
  // returned, so that no minifier can drop a construction as unused.
  return `${importLines.join("\n")}

export const handler = async () => {
  const clients = [${constructs.join(", ")}];
  return { statusCode: 200, body: JSON.stringify({ clients: clients.length }) };
};
`;
}
