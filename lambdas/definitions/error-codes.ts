/**
 * Every error code of the API with its HTTP status and its message in French (first) and English.
 * The error middleware, the API Gateway gateway responses and the OpenAPI document read this table.
 * `{supportPhone}` in a message is replaced by the stage's support phone number.
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
  VERIFICATION_FAILED: {
    status: 403,
    fr: "Les renseignements fournis ne correspondent pas à nos dossiers. Vérifiez-les et réessayez, ou communiquez avec notre service à la clientèle au {supportPhone}.",
    en: "The information provided does not match our records. Check it and try again, or call our customer service at {supportPhone}.",
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    fr: "Trop de tentatives infructueuses pour ce compte. Réessayez plus tard ou communiquez avec notre service à la clientèle au {supportPhone}.",
    en: "Too many failed attempts for this account. Try again later or call our customer service at {supportPhone}.",
  },
  ALREADY_ENROLLED: {
    status: 409,
    fr: "Ce compte est déjà inscrit aux Services en ligne. Connectez-vous avec votre adresse courriel.",
    en: "This account is already enrolled in online services. Sign in with your e-mail address.",
  },
  ENROLLMENT_IN_PROGRESS: {
    status: 409,
    fr: "Une inscription pour ce compte est en cours. Réessayez dans quelques instants.",
    en: "An enrollment for this account is in progress. Try again in a few moments.",
  },
  TOO_MANY_ENROLLMENTS: {
    status: 429,
    fr: "Trop d'inscriptions pour ce compte aujourd'hui. Réessayez plus tard ou communiquez avec notre service à la clientèle au {supportPhone}.",
    en: "Too many enrollments for this account today. Try again later or call our customer service at {supportPhone}.",
  },
  INVALID_TOKEN: {
    status: 401,
    fr: "Ce lien ou ce jeton est invalide, expiré ou déjà utilisé. Recommencez la vérification de votre compte.",
    en: "This link or token is invalid, expired or already used. Start the verification of your account again.",
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
