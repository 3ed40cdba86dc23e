/**
 * Every error code of the API with its HTTP status and its message in French (first) and English.
 * The error middleware, the API Gateway gateway responses and the OpenAPI document read this table.
 */

export interface ErrorDefinition {
  readonly status: number;
  readonly fr: string;
  readonly en: string;
}

export const errors = {
  NOT_FOUND: { status: 404, fr: "Ressource introuvable.", en: "Resource not found." },
  METHOD_NOT_ALLOWED: {
    status: 405,
    fr: "Méthode non permise pour cette ressource.",
    en: "Method not allowed for this resource.",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    fr: "Le corps de la requête dépasse 16 Kio.",
    en: "The request body exceeds 16 KiB.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    fr: "Le type de contenu doit être application/json.",
    en: "The content type must be application/json.",
  },
  MALFORMED_JSON: {
    status: 400,
    fr: "Le corps de la requête n'est pas du JSON valide.",
    en: "The request body is not valid JSON.",
  },
  VALIDATION_FAILED: {
    status: 400,
    fr: "Certains champs sont invalides.",
    en: "Some fields are invalid.",
  },
  UNAUTHORIZED: {
    status: 401,
    fr: "Authentification requise.",
    en: "Authentication required.",
  },
  FORBIDDEN: { status: 403, fr: "Accès refusé.", en: "Access denied." },
  TOO_MANY_REQUESTS: {
    status: 429,
    fr: "Trop de requêtes. Veuillez réessayer plus tard.",
    en: "Too many requests. Please try again later.",
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    fr: "Service temporairement indisponible. Veuillez réessayer plus tard.",
    en: "Service temporarily unavailable. Please try again later.",
  },
  INTERNAL_ERROR: {
    status: 500,
    fr: "Une erreur inattendue est survenue. Veuillez réessayer plus tard.",
    en: "An unexpected error occurred. Please try again later.",
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errors;
