import * as z from "zod";
import { type ErrorCode, errors } from "./error-codes";
import { BILLS_PAGE_SIZE, DEFAULT_SUPPORT_PHONE } from "./limits";
import {
  accountVerification,
  billsQuery,
  billVerification,
  challengeCodeRequest,
  confirmationRequest,
  enrollmentRequest,
  meUpdateRequest,
  verificationRequest,
} from "./request-schemas";
// The request schemas' descriptions and examples, registered before any schema is converted.
import "./request-schema-docs";
import { type ApiFunctionName, type HttpMethod, type RouteDefinition, routes } from "./routes";
import {
  billResponse,
  billSummary,
  billsResponse,
  challengeResponse,
  confirmationResponse,
  contractResponse,
  enrollmentResponse,
  errorResponse,
  exportedSupportEvent,
  exportedVerificationEvent,
  exportResponse,
  meResponse,
  verificationResponse,
} from "./schemas";

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (routes.ts), the zod schemas
 * (request-schemas.ts and schemas.ts, converted by zod's own z.toJSONSchema) and the error codes (error-codes.ts).
 *
 * Not for Lambda bundles: `npm run openapi` writes openapi.json at the repository root, the openapi
 * function serves that file, and a unit test fails when it is stale.
 */

type JsonSchema = z.core.JSONSchema.BaseSchema;

/** Bodies a client sends: converted as zod *input* (before the transforms of normalization). */
const requestSchemas = {
  VerificationRequest: verificationRequest,
  BillVerification: billVerification,
  AccountVerification: accountVerification,
  EnrollmentRequest: enrollmentRequest,
  ConfirmationRequest: confirmationRequest,
  MeUpdateRequest: meUpdateRequest,
  ChallengeCodeRequest: challengeCodeRequest,
} as const satisfies Record<string, z.core.$ZodType>;

const healthResponse = z.object({ status: z.literal("ok") });

const openApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .meta({ description: "Ce document OpenAPI 3.1 / This OpenAPI 3.1 document" });

/** Bodies the API answers: converted as zod *output*. */
const responseSchemas = {
  HealthResponse: healthResponse,
  VerificationResponse: verificationResponse,
  ChallengeResponse: challengeResponse,
  EnrollmentResponse: enrollmentResponse,
  ConfirmationResponse: confirmationResponse,
  MeResponse: meResponse,
  BillSummary: billSummary,
  BillsResponse: billsResponse,
  BillResponse: billResponse,
  ContractResponse: contractResponse,
  ExportResponse: exportResponse,
  ExportedVerificationEvent: exportedVerificationEvent,
  ExportedSupportEvent: exportedSupportEvent,
  OpenApiDocument: openApiDocumentSchema,
} as const satisfies Record<string, z.ZodType>;

type RequestSchemaName = keyof typeof requestSchemas;
type ResponseSchemaName = keyof typeof responseSchemas;

interface Bilingual {
  readonly fr: string;
  readonly en: string;
}

/**
 * The groups of operations, in the document's order; each operation belongs to one. A tag groups by
 * who may call: the enrollment steps are public, the account routes need the customer's token.
 */
export const operationTags = {
  api: {
    name: "API",
    description: { fr: "L'état de l'API et ce document", en: "The API's health and this document" },
  },
  enrollment: {
    name: "Inscription / Enrollment",
    description: {
      fr:
        "Prouver la propriété d'un compte, créer le profil d'authentification et confirmer l'adresse " +
        "courriel, sans être connecté",
      en:
        "Prove ownership of an account, create the authentication profile and confirm the e-mail " +
        "address, without signing in",
    },
  },
  account: {
    name: "Mon compte / My account",
    description: {
      fr: "Le profil, les factures et le contrat du client connecté (jeton Cognito)",
      en: "The signed-in customer's profile, bills and contract (Cognito token)",
    },
  },
} as const satisfies Record<string, { name: string; description: Bilingual }>;

interface SuccessDoc {
  readonly status: number;
  /** The JSON body; none for a 204. */
  readonly schema?: ResponseSchemaName;
  readonly description: Bilingual;
}

/** What the document says about one operation, beyond what the route table knows. */
export interface OperationDoc {
  /** Defaults to the function name; required to tell apart the routes of a function serving several. */
  readonly operationId?: string;
  readonly tag: keyof typeof operationTags;
  readonly summary: Bilingual;
  /** What a client needs beyond the summary: behaviour, limits, what repeating the call does. */
  readonly description: Bilingual;
  /**
   * The query string's schema, the one the handler parses (parseQuery): each property a parameter,
   * with its description. Add VALIDATION_FAILED to `errors`, the answer to a refused one.
   */
  readonly query?: z.core.$ZodObject;
  /** The JSON body (required when present). Adds the errors of parseBody: 400, 413, 415. */
  readonly request?: RequestSchemaName;
  readonly success: SuccessDoc;
  /** Another success the operation may answer instead (the verification's 202 in step-up). */
  readonly alsoSuccess?: SuccessDoc;
  /** The errors the function itself answers, beyond those of the body and of the authorizer. */
  readonly errors: readonly ErrorCode[];
}

/** A function serving several routes documents each one, by "METHOD /path". */
export interface PerRouteDoc {
  readonly perRoute: Readonly<Record<`${HttpMethod} /${string}`, OperationDoc>>;
}

/** The 200 of both verification routes: straight, or through the step-up code. */
const verificationTokenSuccess: SuccessDoc = {
  status: 200,
  schema: "VerificationResponse",
  description: {
    fr: "Jeton de vérification à usage unique, valide 15 minutes",
    en: "Single-use verification token, valid 15 minutes",
  },
};

/**
 * Each function of a route, documented. A route whose function is missing here makes
 * buildOpenApiDocument() throw: no route is served undocumented.
 */
export const operationDocs: Readonly<Partial<Record<ApiFunctionName, OperationDoc | PerRouteDoc>>> = {
  health: {
    tag: "api",
    summary: { fr: "État de l'API", en: "API health" },
    description: {
      fr: "Répond 200 dès que l'API et ses fonctions répondent ; ne consulte aucune base de données.",
      en: "Answers 200 as soon as the API and its functions answer; reads no database.",
    },
    success: {
      status: 200,
      schema: "HealthResponse",
      description: { fr: "L'API répond", en: "The API answers" },
    },
    errors: [],
  },
  openapi: {
    tag: "api",
    summary: { fr: "Ce document OpenAPI", en: "This OpenAPI document" },
    description: {
      fr: "Le document OpenAPI 3.1 de l'API, généré à partir des schémas que les fonctions appliquent.",
      en: "The OpenAPI 3.1 document of the API, generated from the schemas the functions enforce.",
    },
    success: {
      status: 200,
      schema: "OpenApiDocument",
      description: { fr: "Le document OpenAPI 3.1 de l'API", en: "The OpenAPI 3.1 document of the API" },
    },
    errors: [],
  },
  verifications: {
    perRoute: {
      "POST /v1/enrollment/verifications": {
        operationId: "verifications",
        tag: "enrollment",
        summary: { fr: "Prouver la propriété d'un compte", en: "Prove ownership of an account" },
        description: {
          fr:
            "Deux méthodes, comme sur les formulaires avec et sans facture papier. Après 5 échecs en 15 minutes " +
            "(fenêtre glissante), ou 10 en 24 heures, pour un numéro de client, toute tentative est refusée " +
            "(429, Retry-After). Sous attaque (trop d'échecs dans l'heure pour tout le service), toute requête " +
            "valide reçoit 202 et un défi, que les données concordent ou non ; le code du défi est envoyé au " +
            "courriel au dossier du compte.",
          en:
            "Two methods, as on the paper-bill and no-paper-bill forms. After 5 failures within 15 minutes " +
            "(sliding), or 10 within 24 hours, for a customer number, every attempt is refused (429, " +
            "Retry-After). Under attack (too many failures in the last hour, service-wide), every valid request " +
            "gets 202 and a challenge, whether the data match or not; the challenge's code goes to the " +
            "account's e-mail address on file.",
        },
        request: "VerificationRequest",
        success: verificationTokenSuccess,
        alsoSuccess: {
          status: 202,
          schema: "ChallengeResponse",
          description: {
            fr: "Vérification renforcée : entrer le code reçu par courriel (valide 15 minutes)",
            en: "Step-up: enter the code sent by e-mail (valid 15 minutes)",
          },
        },
        errors: ["VERIFICATION_FAILED", "ALREADY_ENROLLED", "TOO_MANY_ATTEMPTS"],
      },
      "POST /v1/enrollment/verifications/{challengeId}/code": {
        operationId: "answerChallenge",
        tag: "enrollment",
        summary: { fr: "Entrer le code de vérification renforcée", en: "Enter the step-up code" },
        description: {
          fr:
            "Le code à 6 chiffres envoyé au courriel au dossier. Un mauvais code, un défi inconnu, expiré ou " +
            "dont les données ne concordaient pas donnent le même 403 ; un défi meurt après 3 codes.",
          en:
            "The 6-digit code sent to the e-mail address on file. A wrong code, and an unknown or expired " +
            "challenge, or one whose data did not match, give the same 403; a challenge dies after 3 codes.",
        },
        request: "ChallengeCodeRequest",
        success: verificationTokenSuccess,
        errors: ["VERIFICATION_FAILED", "ALREADY_ENROLLED"],
      },
    },
  },
  enrollments: {
    tag: "enrollment",
    summary: { fr: "Créer le profil d'authentification", en: "Create the authentication profile" },
    description: {
      fr:
        "Crée l'utilisateur Cognito et envoie le courriel de confirmation. La même requête répétée (même " +
        "jeton, même courriel) rend le même 201 sans rien créer de plus. Une adresse qui a déjà le profil " +
        "d'un autre compte n'est pas révélée : le même 201, rien n'est créé, et cette adresse reçoit plutôt " +
        "un message lui disant qu'elle a déjà un profil. Au plus 3 courriels d'inscription par compte en " +
        "24 heures (429 avec Retry-After au-delà ; la même requête répétée ne compte qu'une fois). Une " +
        "inscription non confirmée en 24 heures expire et libère son adresse.",
      en:
        "Creates the Cognito user and sends the confirmation e-mail. The same request repeated (same " +
        "token, same e-mail) returns the same 201 and creates nothing new. An address that already has " +
        "another account's profile is not revealed: the same 201, nothing is created, and that address " +
        "is told instead that it already has a profile. At most 3 enrollment e-mails per account within " +
        "24 hours (429 with Retry-After past it; the same request repeated counts once). An enrollment " +
        "not confirmed within 24 hours expires and frees its address.",
    },
    request: "EnrollmentRequest",
    success: {
      status: 201,
      schema: "EnrollmentResponse",
      description: {
        fr: "Profil créé, en attente de confirmation du courriel",
        en: "Profile created, pending e-mail confirmation",
      },
    },
    errors: [
      "INVALID_TOKEN",
      "ALREADY_ENROLLED",
      "ENROLLMENT_IN_PROGRESS",
      "TOO_MANY_ENROLLMENTS",
      "SERVICE_UNAVAILABLE",
    ],
  },
  confirmation: {
    tag: "enrollment",
    summary: { fr: "Confirmer l'adresse courriel", en: "Confirm the e-mail address" },
    description: {
      fr: "Le lien du courriel de confirmation. Le répéter est sans effet (200 de nouveau).",
      en: "The link of the confirmation e-mail. Repeating it is harmless (200 again).",
    },
    request: "ConfirmationRequest",
    success: {
      status: 200,
      schema: "ConfirmationResponse",
      description: {
        fr: "Courriel vérifié, compte passé à la facture électronique",
        en: "E-mail verified, account switched to electronic bills",
      },
    },
    // SERVICE_UNAVAILABLE: marking the e-mail verified calls Cognito, whose throttling is a 503.
    errors: ["INVALID_TOKEN", "SERVICE_UNAVAILABLE"],
  },
  me: {
    perRoute: {
      "GET /v1/me": {
        operationId: "getMe",
        tag: "account",
        summary: { fr: "Mon profil", en: "My profile" },
        description: {
          fr: "Le numéro de client, le courriel, la langue et le mode de facturation (papier ou électronique).",
          en: "The customer number, the e-mail address, the language and the billing mode (paper or electronic).",
        },
        success: {
          status: 200,
          schema: "MeResponse",
          description: { fr: "Le profil du client connecté", en: "The signed-in customer's profile" },
        },
        errors: [],
      },
      "PATCH /v1/me": {
        operationId: "updateMe",
        tag: "account",
        summary: {
          fr: "Choisir la facture papier ou électronique, et la langue",
          en: "Choose paper or electronic bills, and the language",
        },
        description: {
          fr:
            "Seuls `billing` et `language` peuvent changer ; tout autre champ est refusé (400). Passer à la " +
            "facture papier arrête les avis par courriel ; revenir à la facture électronique les reprend pour " +
            "les factures disponibles à partir de ce moment. Répéter la requête est sans effet.",
          en:
            "Only `billing` and `language` may change; any other field is refused (400). Switching to paper " +
            "bills stops the e-mail notices; switching back to electronic bills resumes them for the bills " +
            "available from then on. Repeating the request is harmless.",
        },
        request: "MeUpdateRequest",
        success: {
          status: 200,
          schema: "MeResponse",
          description: { fr: "Le profil mis à jour", en: "The updated profile" },
        },
        errors: [],
      },
      "POST /v1/me/sign-out": {
        operationId: "signOutEverywhere",
        tag: "account",
        summary: { fr: "Me déconnecter partout", en: "Sign me out everywhere" },
        description: {
          fr:
            "Ferme toutes les sessions du client, sur tous ses appareils : ses jetons d'actualisation ne " +
            "donnent plus de nouveaux jetons, et tout jeton d'une connexion antérieure est refusé (401) " +
            "dans les 5 minutes, immédiatement là où il n'a pas servi récemment. Sans corps. Répéter la " +
            "requête est sans effet ; avec le même jeton, elle peut recevoir 401. Le site oublie ensuite ses " +
            "jetons. Ajout au contrat.",
          en:
            "Ends every session of the customer, on every device: their refresh tokens no longer give new " +
            "tokens, and every token of an earlier sign-in is refused (401) within 5 minutes, at once where " +
            "it was not used lately. No body. Repeating the request is harmless; with the same token it may " +
            "get 401. The website then forgets its tokens. An addition to the contract.",
        },
        success: {
          status: 204,
          description: { fr: "Déconnecté partout", en: "Signed out everywhere" },
        },
        // Cognito's throttling of the sign-out is a 503 with Retry-After.
        errors: ["SERVICE_UNAVAILABLE"],
      },
      "DELETE /v1/me": {
        operationId: "closeProfile",
        tag: "account",
        summary: { fr: "Fermer mon profil Services en ligne", en: "Close my online services profile" },
        description: {
          fr:
            "Ferme le profil : l'utilisateur Cognito est supprimé, tout jeton déjà émis est refusé, le compte " +
            "revient à la facture papier et ne reçoit plus d'avis ; l'adresse du profil en est avisée. Le client " +
            "peut s'inscrire de nouveau plus tard. Sans corps. Répéter la requête est sans effet : 204, ou 401 " +
            "puisque le jeton a été révoqué par la première.",
          en:
            "Closes the profile: the Cognito user is deleted, every token already issued is refused, the account " +
            "goes back to paper bills and gets no more notices; the profile's address is told. The customer may " +
            "enroll again later. No body. Repeating the request is harmless: 204, or 401 since the first one " +
            "revoked the token.",
        },
        success: {
          status: 204,
          description: { fr: "Profil fermé", en: "Profile closed" },
        },
        // Cognito's or SES's throttling is a 503 with Retry-After; the repeat finishes the closing.
        errors: ["SERVICE_UNAVAILABLE"],
      },
    },
  },
  meBills: {
    perRoute: {
      "GET /v1/me/bills": {
        operationId: "listBills",
        tag: "account",
        summary: { fr: "Mes factures", en: "My bills" },
        description: {
          fr:
            "Les factures du client connecté dont la date `availableOn` est arrivée (heure de Toronto), la " +
            `plus récente d'abord, ${BILLS_PAGE_SIZE} par page, sans lien vers le PDF (voir getBill). ` +
            "`next` donne la page suivante (`?next=`), null à la dernière. Un curseur modifié, ou reçu par " +
            "un autre client, donne 400 `VALIDATION_FAILED`.",
          en:
            "The signed-in customer's bills whose `availableOn` has come (Toronto time), newest first, " +
            `${BILLS_PAGE_SIZE} a page, without a link to the PDF (see getBill). \`next\` gives the next ` +
            "page (`?next=`), null on the last one. A cursor that was altered, or given to another " +
            "customer, gives 400 `VALIDATION_FAILED`.",
        },
        query: billsQuery,
        success: {
          status: 200,
          schema: "BillsResponse",
          description: {
            fr: "Une page de factures, la plus récente d'abord",
            en: "A page of bills, newest first",
          },
        },
        errors: ["VALIDATION_FAILED"],
      },
      "GET /v1/me/bills/{billId}": {
        operationId: "getBill",
        tag: "account",
        summary: { fr: "Une facture, pour l'afficher ou l'imprimer", en: "One bill, to view or print it" },
        description: {
          fr:
            "Avec `documentUrl`, un lien vers le PDF valide 5 minutes, quand le système de facturation a " +
            "fourni le document. La facture d'un autre client, ou pas encore disponible, donne 404.",
          en:
            "With `documentUrl`, a link to the PDF valid 5 minutes, where the billing system supplied the " +
            "document. Another customer's bill, or one not yet available, gives 404.",
        },
        success: {
          status: 200,
          schema: "BillResponse",
          description: { fr: "La facture", en: "The bill" },
        },
        errors: ["NOT_FOUND"],
      },
    },
  },
  meContract: {
    operationId: "getContract",
    tag: "account",
    summary: { fr: "Mon contrat", en: "My contract" },
    description: {
      fr: "Avec `documentUrl`, un lien vers le PDF valide 5 minutes, quand il y en a un.",
      en: "With `documentUrl`, a link to the PDF valid 5 minutes, when there is one.",
    },
    success: {
      status: 200,
      schema: "ContractResponse",
      description: { fr: "Le contrat", en: "The contract" },
    },
    errors: ["NOT_FOUND"],
  },
  meExport: {
    operationId: "exportMyData",
    tag: "account",
    summary: { fr: "Télécharger mes renseignements personnels", en: "Download my personal information" },
    description: {
      fr:
        "Tous les renseignements personnels que le système détient sur le client connecté, en un document " +
        "JSON à télécharger (`Content-Disposition: attachment`) : le compte, le profil, toutes les factures " +
        "(même pas encore disponibles), le contrat, les avis envoyés ou non, les événements de vérification " +
        "et de soutien, et des notes sur ce qui n'y figure pas et pourquoi (les facteurs de vérification ne " +
        "sont gardés que sous forme d'empreintes) et sur la durée de conservation. Le droit à la portabilité " +
        "de la loi québécoise sur la protection des renseignements personnels.",
      en:
        "Every piece of personal information the system holds about the signed-in customer, as one JSON " +
        "document to download (`Content-Disposition: attachment`): the account, the profile, every bill " +
        "(not yet available ones too), the contract, the notices sent or skipped, the verification and " +
        "support events, and notes on what is not in it and why (the verification factors are held only " +
        "as keyed hashes) and on how long each is kept. The portability right of Québec's privacy law.",
    },
    success: {
      status: 200,
      schema: "ExportResponse",
      description: {
        fr: "Le document, en pièce jointe `export-<numéro de client>-<date>.json`",
        en: "The document, as the attachment `export-<customer number>-<date>.json`",
      },
    },
    errors: [],
  },
};

/** What parseBody (lambdas/middleware/http-api.ts) answers for any route with a body. */
const bodyErrors: readonly ErrorCode[] = [
  "MALFORMED_JSON",
  "VALIDATION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
];

/**
 * What the Lambda authorizer answers for a route with `auth: true`: 401 for a missing or invalid
 * token, 403 for a valid token of an account without an ACTIVE profile.
 */
const authErrors: readonly ErrorCode[] = ["UNAUTHORIZED", "FORBIDDEN"];

/**
 * What API Gateway answers by itself for any route on AWS (lib/api/gateway-responses.ts): 429 when the
 * stage's throttling, which covers every method, or the WAF's enrollment rate rule refuses the request.
 */
const gatewayErrors: readonly ErrorCode[] = ["TOO_MANY_REQUESTS"];

/**
 * Errors whose response carries Retry-After (seconds): the lockout, the enrollment e-mail cap, the
 * lock wait, a throttled dependency.
 */
const retryAfterCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "TOO_MANY_ATTEMPTS",
  "TOO_MANY_ENROLLMENTS",
  "ENROLLMENT_IN_PROGRESS",
  "SERVICE_UNAVAILABLE",
]);

const SECURITY_SCHEME = "cognito";
const schemaRef = (name: string) => `#/components/schemas/${name}`;

/** One operation as the document holds it. */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly parameters: readonly Record<string, unknown>[];
  readonly requestBody?: Record<string, unknown>;
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
  /** The bearer scheme for a signed-in route; `[]` says explicitly that a public route needs none. */
  readonly security: readonly Record<string, readonly string[]>[];
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly content?: Readonly<Record<string, { schema: JsonSchema; examples?: Record<string, unknown> }>>;
}

export interface OpenApiDocument {
  readonly openapi: "3.1.0";
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description: string;
    readonly contact: { readonly name: string };
    readonly license: { readonly name: string; readonly identifier: string };
  };
  readonly servers: readonly { readonly url: string; readonly description?: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<
    Record<string, Readonly<Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>>
  >;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly parameters: Readonly<Record<string, unknown>>;
    readonly headers: Readonly<Record<string, unknown>>;
    readonly securitySchemes: Readonly<Record<string, unknown>>;
  };
}

const bilingual = (text: Bilingual, separator = " / ") => `${text.fr}${separator}${text.en}`;
const withPhone = (message: string) => message.replaceAll("{supportPhone}", DEFAULT_SUPPORT_PHONE);

/**
 * Converts a set of named zod schemas into components with zod's own z.toJSONSchema (draft 2020-12,
 * the dialect of OpenAPI 3.1). A schema used inside another one becomes a $ref to its component.
 * Unrepresentable types (transforms in output mode, dates, bigints…) throw rather than become `{}`.
 */
function toComponents(
  schemas: Readonly<Record<string, z.core.$ZodType>>,
  io: "input" | "output",
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, {
    io,
    target: "draft-2020-12",
    unrepresentable: "throw",
    uri: schemaRef,
    override: ({ zodSchema, jsonSchema }) => {
      // OpenAPI 3.1 deprecates the schema's `example`; JSON Schema has `examples`.
      if ("example" in jsonSchema) {
        jsonSchema.examples = [jsonSchema.example];
        delete jsonSchema.example;
      }
      // A discriminated union: OpenAPI's discriminator, with a mapping when every option is a component.
      const def = zodSchema._zod.def;
      if (def.type === "union" && "discriminator" in def && typeof def.discriminator === "string") {
        const propertyName = def.discriminator;
        const mapping: Record<string, string> = {};
        let complete = true;
        for (const option of def.options) {
          const id = registry.get(option)?.id;
          const shape = option._zod.def.type === "object" ? (option as z.core.$ZodObject)._zod.def.shape : {};
          const literal = shape[propertyName]?._zod.def;
          if (id === undefined || literal?.type !== "literal") {
            complete = false;
            break;
          }
          for (const value of (literal as z.core.$ZodLiteralDef<z.core.util.Literal>).values)
            mapping[String(value)] = schemaRef(id);
        }
        jsonSchema.discriminator = complete ? { propertyName, mapping } : { propertyName };
      }
    },
  });
  if ("__shared" in converted) {
    throw new Error(
      `OpenAPI: zod extracted shared $defs (${io}); give the recursive or shared schema its own component.`,
    );
  }
  // Each component is a plain schema of the document: no $schema nor $id of its own.
  return Object.fromEntries(
    Object.entries(converted).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

/**
 * The error body of one status: errorResponse with `code` narrowed to that status's codes, converted
 * whole. Not allOf [Error, { error: { code } }]: that second branch describes `error` without its
 * message and fields, and strict readers (Redocly's example check, generators that close objects)
 * take an object schema to list all of its properties.
 */
function errorSchemaFor(codes: readonly ErrorCode[]): JsonSchema {
  const [first, ...others] = codes;
  if (first === undefined) throw new Error("OpenAPI: an error response needs at least one code.");
  const narrowed = errorResponse.extend({
    error: errorResponse.shape.error.extend({ code: z.enum([first, ...others]) }),
  });
  const { $schema: _schema, ...schema } = z.toJSONSchema(narrowed, {
    io: "output",
    target: "draft-2020-12",
    unrepresentable: "throw",
  });
  return schema;
}

/** `exampleField`: the field the VALIDATION_FAILED example names, one the operation has. */
function errorResponseFor(codes: readonly ErrorCode[], exampleField = "postalCode"): OpenApiResponse {
  const retryAfter = codes.filter((code) => retryAfterCodes.has(code));
  // Every code of the status carries it: the shared header; only some: an optional header saying which.
  const retryAfterHeader =
    retryAfter.length === codes.length
      ? { $ref: "#/components/headers/RetryAfter" }
      : {
          description:
            // Not "only": the WAF's rate rule sends Retry-After with its TOO_MANY_REQUESTS, API Gateway's
            // throttling does not, and an undocumented header is not a forbidden one.
            `Secondes avant de réessayer, toujours présent avec ${retryAfter.join(", ")} / Seconds before ` +
            `trying again, always present with ${retryAfter.join(", ")}`,
          required: false,
          schema: { type: "integer", minimum: 0 },
        };
  return {
    description: codes
      .map((code) => `- \`${code}\`: ${withPhone(errors[code].fr)} / ${withPhone(errors[code].en)}`)
      .join("\n"),
    ...(retryAfter.length > 0
      ? {
          headers: { "Retry-After": retryAfterHeader },
        }
      : {}),
    content: {
      "application/json": {
        schema: errorSchemaFor(codes),
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              summary: code,
              value: {
                error: {
                  code,
                  message: withPhone(errors[code].fr),
                  ...(code === "VALIDATION_FAILED"
                    ? { fields: [{ field: exampleField, code: "INVALID_FORMAT" }] }
                    : {}),
                },
              },
            },
          ]),
        ),
      },
    },
  };
}

/** The query parameters of a query schema, converted as zod *input* (what a client sends). */
function queryParametersOf(query: z.core.$ZodObject): Record<string, unknown>[] {
  const converted = z.toJSONSchema(query, { io: "input", target: "draft-2020-12", unrepresentable: "throw" });
  const required = new Set(converted.required ?? []);
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...schema } = property as JsonSchema;
    if ("example" in schema) {
      schema.examples = [schema.example];
      delete schema.example;
    }
    return {
      name,
      in: "query",
      required: required.has(name),
      ...(description ? { description } : {}),
      schema,
    };
  });
}

function operationFor(route: RouteDefinition, doc: OperationDoc): OpenApiOperation {
  const codes = [
    ...(route.auth ? authErrors : []),
    ...(doc.request ? bodyErrors : []),
    ...doc.errors,
    ...gatewayErrors,
  ];
  // A route whose only input is its query string names one of its parameters; the others, a body field.
  const queryNames = doc.query ? Object.keys(doc.query._zod.def.shape) : [];
  const exampleField = !doc.request && queryNames[0] !== undefined ? queryNames[0] : undefined;
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = errors[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, OpenApiResponse> = {};
  for (const success of [doc.success, ...(doc.alsoSuccess ? [doc.alsoSuccess] : [])]) {
    responses[String(success.status)] = {
      description: bilingual(success.description),
      ...(success.schema
        ? { content: { "application/json": { schema: { $ref: schemaRef(success.schema) } } } }
        : {}),
    };
  }
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = errorResponseFor(statusCodes, exampleField);
  }
  const pathParameters = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => ({
    name: match[1] as string,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const queryParameters = doc.query ? queryParametersOf(doc.query) : [];
  return {
    operationId: doc.operationId ?? route.function,
    tags: [operationTags[doc.tag].name],
    summary: bilingual(doc.summary),
    description: bilingual(doc.description, "\n\n"),
    parameters: [...pathParameters, ...queryParameters, { $ref: "#/components/parameters/AcceptLanguage" }],
    ...(doc.request
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: schemaRef(doc.request) } } },
          },
        }
      : {}),
    responses,
    security: route.auth ? [{ [SECURITY_SCHEME]: [] }] : [],
  };
}

function docFor(route: RouteDefinition): OperationDoc {
  const entry = operationDocs[route.function];
  if (entry === undefined) {
    throw new Error(
      `OpenAPI: ${route.method} ${route.path} is served by "${route.function}", which has no entry in ` +
        "operationDocs (lambdas/definitions/openapi.ts). Document it there.",
    );
  }
  if (!("perRoute" in entry)) return entry;
  const perRoute = entry.perRoute[`${route.method} ${route.path}` as `${HttpMethod} /${string}`];
  if (perRoute === undefined) {
    throw new Error(
      `OpenAPI: operationDocs.${route.function}.perRoute has no "${route.method} ${route.path}".`,
    );
  }
  return perRoute;
}

/** The OpenAPI 3.1 document of the API; the route table is a parameter for tests. */
export function buildOpenApiDocument(routeTable: readonly RouteDefinition[] = routes): OpenApiDocument {
  const requestComponents = toComponents(requestSchemas, "input");
  const responseComponents = toComponents(responseSchemas, "output");
  for (const name of Object.keys(requestComponents)) {
    if (name in responseComponents)
      throw new Error(`OpenAPI: component ${name} is both a request and a response.`);
  }

  const paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>> = {};
  const operationIds = new Set<string>();
  for (const route of routeTable) {
    const operation = operationFor(route, docFor(route));
    if (operationIds.has(operation.operationId)) {
      throw new Error(
        `OpenAPI: operationId "${operation.operationId}" is used twice; a function serving several routes ` +
          "documents each one under perRoute, with its own operationId.",
      );
    }
    operationIds.add(operation.operationId);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Online services enrollment API",
      version: "1",
      description: [
        "Inscription aux services en ligne : vérifier la propriété d'un compte, créer le profil " +
          "d'authentification, confirmer l'adresse courriel ; une fois connecté, lire ses factures et son " +
          "contrat et choisir la facture papier ou électronique. JSON en entrée et en sortie. Toute erreur a " +
          "la même forme : `error.code`, `error.message` et, pour une requête invalide, `error.fields` ; le " +
          "message est en français, sauf si `Accept-Language` préfère l'anglais. Chaque réponse porte " +
          "`Cache-Control: no-store` et `X-Content-Type-Options: nosniff`. " +
          "Une route inconnue donne 404, une mauvaise méthode 405. Sur AWS, la limitation de débit de " +
          "l'API peut refuser toute requête : 429 `TOO_MANY_REQUESTS`.",
        "Online services enrollment: verify ownership of an account, create the authentication profile, " +
          "confirm the e-mail address; once signed in, read one's bills and contract and choose paper or " +
          "electronic bills. JSON in and out. Every error has the same shape: `error.code`, `error.message` " +
          "and, for an invalid request, `error.fields`; the message is in French unless `Accept-Language` " +
          "prefers English. Every response carries `Cache-Control: no-store` and `X-Content-Type-Options: " +
          "nosniff`. An unknown route gives 404, a wrong method 405. On AWS, the API's rate limiting may " +
          "refuse any request: 429 `TOO_MANY_REQUESTS`.",
      ].join("\n\n"),
      // The team that runs this backend; the repository names no address or page of its own.
      contact: { name: "Cablevision, services en ligne / online services" },
      // package.json is private and grants no licence. OpenAPI 3.1 wants an SPDX expression (or a URL);
      // SPDX has no id for "all rights reserved", so it is a LicenseRef, SPDX's form for licences off its list.
      license: { name: "Propriétaire / Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/" }],
    tags: Object.values(operationTags).map(({ name, description }) => ({
      name,
      description: bilingual(description),
    })),
    paths,
    components: {
      schemas: { ...requestComponents, ...responseComponents },
      parameters: {
        AcceptLanguage: {
          name: "Accept-Language",
          in: "header",
          required: false,
          description:
            "Langue des messages : français, sauf si l'anglais est préféré / Language of the messages: " +
            "French unless English is preferred",
          schema: { type: "string" },
          examples: { fr: { value: "fr-CA" }, en: { value: "en-CA,en;q=0.9,fr;q=0.5" } },
        },
      },
      headers: {
        RetryAfter: {
          description: "Secondes avant de réessayer / Seconds before trying again",
          required: true,
          schema: { type: "integer", minimum: 0 },
        },
      },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "Jeton d'identité ou d'accès Cognito du client connecté / Signed-in customer's Cognito id or " +
            "access token",
        },
      },
    },
  };
}

/** The committed openapi.json: 2-space JSON and a final newline. */
export function openApiJson(document: OpenApiDocument = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
