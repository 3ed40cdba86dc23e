/**
 * Bill and contract PDFs: in AWS, the stage's private documents bucket, read through presigned GET
 * links; locally, a folder under .local/ served by the local HTTP adapter through signed links.
 */

/** How long a `documentUrl` is valid, in AWS and locally. */
export const DOCUMENT_LINK_TTL_SECONDS = 300;

/**
 * The variable through which a function granted the documents bucket receives its name (set by the
 * grant, like the table variables). Without it, the functions sign local links.
 */
export const DOCUMENTS_BUCKET_ENV = "DOCUMENTS_BUCKET";

/** The local adapter's path prefix for documents; it exists only in the local adapter, never in AWS. */
export const LOCAL_DOCUMENTS_PATH = "/local/documents/";
