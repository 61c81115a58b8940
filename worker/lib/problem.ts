/**
 * RFC 9457 problem details. Every error the API returns is one of these, with a
 * stable `type` URI that clients can switch on; the title never varies for a type.
 */
export const PROBLEM_BASE = 'https://edgepost.dev/problems/';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES = {
  'validation-error': [400, 'Your request is not valid'],
  'malformed-json': [400, 'The request body is not valid JSON'],
  'bad-request': [400, 'Bad request'],
  'captcha-required': [400, 'CAPTCHA required'],
  'captcha-failed': [400, 'CAPTCHA not passed'],
  unauthorized: [401, 'Authentication required'],
  'invalid-credentials': [401, 'Invalid credentials'],
  'invalid-token': [401, 'Invalid or expired token'],
  'invalid-signature': [401, 'The request signature is not valid'],
  forbidden: [403, 'You do not have permission to do this'],
  'insufficient-scope': [403, 'The API key lacks a required scope'],
  'mfa-required': [403, 'Two-factor authentication required'],
  'not-found': [404, 'Not found'],
  'method-not-allowed': [405, 'Method not allowed'],
  conflict: [409, 'Conflict'],
  gone: [410, 'Gone'],
  'payload-too-large': [413, 'Request body too large'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'weak-password': [422, 'Password is too weak'],
  'unprocessable': [422, 'The request cannot be processed'],
  'account-locked': [429, 'Too many failed attempts'],
  'rate-limited': [429, 'Too many requests'],
  'internal-error': [500, 'Internal error'],
  'service-unavailable': [503, 'Service unavailable'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemType = keyof typeof TITLES;

/** Thrown anywhere (domain, middleware, routes); the app's error handler renders it. */
export class Problem extends Error {
  readonly status: number;
  readonly type: ProblemType;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    type: ProblemType,
    detail: string,
    opts: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.type = type;
    this.status = TITLES[type][0];
    this.extensions = opts.extensions ?? {};
    this.headers = opts.headers ?? {};
  }

  body(instance?: string, requestId?: string): ProblemBody {
    return {
      type: PROBLEM_BASE + this.type,
      title: TITLES[this.type][1],
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(requestId ? { request_id: requestId } : {}),
      ...this.extensions,
    };
  }
}

export const validationProblem = (errors: FieldError[], detail?: string) =>
  new Problem('validation-error', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    extensions: { errors },
  });

export const notFound = (what = 'Resource') => new Problem('not-found', `${what} not found.`);

export function problemResponse(problem: Problem, instance?: string, requestId?: string): Response {
  return new Response(JSON.stringify(problem.body(instance, requestId)), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
  });
}
