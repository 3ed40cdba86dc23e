/**
 * Every error code of the API with its HTTP status and its message in French (first) and English.
 * The error middleware, the API Gateway gateway responses and the OpenAPI document read this table.
 * `{supportPhone}` in a message is replaced by the stage's support phone number.
 *
 * One constant per code, not one object of them all: a function bundles the codes it can answer
 * with (its handler's and the middleware's), not every message of the API in both languages.
 * Import them as a namespace (`import * as codes`) or by name; `errors` is for what lists them all
 * (OpenAPI, gateway responses, tests).
 */

export interface ErrorDefinition {
  readonly code: string;
  readonly status: number;
  readonly fr: string;
  readonly en: string;
}

export const NOT_FOUND = {
  code: "NOT_FOUND",
  status: 404,
  fr: "Ressource introuvable.",
  en: "Resource not found.",
} as const satisfies ErrorDefinition;

export const METHOD_NOT_ALLOWED = {
  code: "METHOD_NOT_ALLOWED",
  status: 405,
  fr: "Méthode non permise pour cette ressource.",
  en: "Method not allowed for this resource.",
} as const satisfies ErrorDefinition;

export const PAYLOAD_TOO_LARGE = {
  code: "PAYLOAD_TOO_LARGE",
  status: 413,
  fr: "Le corps de la requête dépasse 16 Kio.",
  en: "The request body exceeds 16 KiB.",
} as const satisfies ErrorDefinition;

export const UNSUPPORTED_MEDIA_TYPE = {
  code: "UNSUPPORTED_MEDIA_TYPE",
  status: 415,
  fr: "Le type de contenu doit être application/json.",
  en: "The content type must be application/json.",
} as const satisfies ErrorDefinition;

export const MALFORMED_JSON = {
  code: "MALFORMED_JSON",
  status: 400,
  fr: "Le corps de la requête n'est pas du JSON valide.",
  en: "The request body is not valid JSON.",
} as const satisfies ErrorDefinition;

export const VALIDATION_FAILED = {
  code: "VALIDATION_FAILED",
  status: 400,
  fr: "Certains champs sont invalides.",
  en: "Some fields are invalid.",
} as const satisfies ErrorDefinition;

export const VERIFICATION_FAILED = {
  code: "VERIFICATION_FAILED",
  status: 403,
  fr: "Les renseignements fournis ne correspondent pas à nos dossiers. Vérifiez-les et réessayez, ou communiquez avec notre service à la clientèle au {supportPhone}.",
  en: "The information provided does not match our records. Check it and try again, or call our customer service at {supportPhone}.",
} as const satisfies ErrorDefinition;

export const TOO_MANY_ATTEMPTS = {
  code: "TOO_MANY_ATTEMPTS",
  status: 429,
  fr: "Trop de tentatives infructueuses pour ce compte. Réessayez plus tard ou communiquez avec notre service à la clientèle au {supportPhone}.",
  en: "Too many failed attempts for this account. Try again later or call our customer service at {supportPhone}.",
} as const satisfies ErrorDefinition;

export const ALREADY_ENROLLED = {
  code: "ALREADY_ENROLLED",
  status: 409,
  fr: "Ce compte est déjà inscrit aux Services en ligne. Connectez-vous avec votre adresse courriel.",
  en: "This account is already enrolled in online services. Sign in with your e-mail address.",
} as const satisfies ErrorDefinition;

export const ENROLLMENT_IN_PROGRESS = {
  code: "ENROLLMENT_IN_PROGRESS",
  status: 409,
  fr: "Une inscription pour ce compte est en cours. Réessayez dans quelques instants.",
  en: "An enrollment for this account is in progress. Try again in a few moments.",
} as const satisfies ErrorDefinition;

export const TOO_MANY_ENROLLMENTS = {
  code: "TOO_MANY_ENROLLMENTS",
  status: 429,
  fr: "Trop d'inscriptions pour ce compte aujourd'hui. Réessayez plus tard ou communiquez avec notre service à la clientèle au {supportPhone}.",
  en: "Too many enrollments for this account today. Try again later or call our customer service at {supportPhone}.",
} as const satisfies ErrorDefinition;

export const INVALID_TOKEN = {
  code: "INVALID_TOKEN",
  status: 401,
  fr: "Ce lien ou ce jeton est invalide, expiré ou déjà utilisé. Recommencez la vérification de votre compte.",
  en: "This link or token is invalid, expired or already used. Start the verification of your account again.",
} as const satisfies ErrorDefinition;

export const UNAUTHORIZED = {
  code: "UNAUTHORIZED",
  status: 401,
  fr: "Authentification requise.",
  en: "Authentication required.",
} as const satisfies ErrorDefinition;

export const FORBIDDEN = {
  code: "FORBIDDEN",
  status: 403,
  fr: "Accès refusé.",
  en: "Access denied.",
} as const satisfies ErrorDefinition;

export const TOO_MANY_REQUESTS = {
  code: "TOO_MANY_REQUESTS",
  status: 429,
  fr: "Trop de requêtes. Veuillez réessayer plus tard.",
  en: "Too many requests. Please try again later.",
} as const satisfies ErrorDefinition;

export const SERVICE_UNAVAILABLE = {
  code: "SERVICE_UNAVAILABLE",
  status: 503,
  fr: "Service temporairement indisponible. Veuillez réessayer plus tard.",
  en: "Service temporarily unavailable. Please try again later.",
} as const satisfies ErrorDefinition;

export const INTERNAL_ERROR = {
  code: "INTERNAL_ERROR",
  status: 500,
  fr: "Une erreur inattendue est survenue. Veuillez réessayer plus tard.",
  en: "An unexpected error occurred. Please try again later.",
} as const satisfies ErrorDefinition;

/** Every code, by name. */
export const errors = {
  NOT_FOUND,
  METHOD_NOT_ALLOWED,
  PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE,
  MALFORMED_JSON,
  VALIDATION_FAILED,
  VERIFICATION_FAILED,
  TOO_MANY_ATTEMPTS,
  ALREADY_ENROLLED,
  ENROLLMENT_IN_PROGRESS,
  TOO_MANY_ENROLLMENTS,
  INVALID_TOKEN,
  UNAUTHORIZED,
  FORBIDDEN,
  TOO_MANY_REQUESTS,
  SERVICE_UNAVAILABLE,
  INTERNAL_ERROR,
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errors;
