/** Name of the hidden form field carrying the CSRF token (see csrf.server.ts). */
export const CSRF_FIELD = 'csrf';
/** The same token as a request header, for uploads sent by script (see assertTrustedUpload). */
export const CSRF_HEADER = 'x-csrf-token';
