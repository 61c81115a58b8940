/** RFC 9457 members (and our `errors`, `request_id`); anything else is an extension. */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors', 'request_id']);

/** An RFC 9457 problem+json answer from the API, thrown by the API client on any non-2xx. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: { field: string; message: string }[] = [],
    readonly requestId: string | null = null,
    readonly retryAfterSeconds: number | null = null,
    /** Members beyond the standard ones, e.g. `suggestion` (a likely meant address) or `existing_id`. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail || title);
  }

  /** The last segment of the type URI, e.g. `weak-password`. */
  get code(): string {
    return this.type.split('/').pop() ?? this.type;
  }

  static async fromResponse(response: Response): Promise<ApiProblem> {
    const body = (await response.json().catch(() => ({}))) as Partial<{
      type: string; title: string; detail: string; errors: { field: string; message: string }[]; request_id: string;
    }> & Record<string, unknown>;
    const { type, title, detail, errors, request_id } = body;
    const extensions = Object.fromEntries(Object.entries(body).filter(([member]) => !STANDARD_MEMBERS.has(member)));
    const retryAfter = Number(response.headers.get('Retry-After'));
    return new ApiProblem(
      response.status,
      type ?? 'about:blank',
      title ?? response.statusText ?? 'Request failed',
      detail ?? '',
      Array.isArray(errors) ? errors : [],
      request_id ?? response.headers.get('x-request-id'),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      extensions,
    );
  }
}

/** What a form shows: one message for the form, one per field it knows. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
  /** What the API thinks was meant for a field (an email typo: `gmial.com` → `gmail.com`). */
  suggestion?: { field: string; value: string };
}

/** Field names the API reports (`body.password`, `email`) mapped onto the form's input names. */
export function toFormErrors(problem: ApiProblem): FormErrors {
  const fields: Record<string, string> = {};
  for (const { field, message } of problem.fieldErrors) fields[field.replace(/^(body|query)\./, '')] = message;
  if (problem.code === 'weak-password') fields.password ??= problem.detail;
  const hasFieldErrors = Object.keys(fields).length > 0;
  const suggested = problem.extensions.suggestion;
  const suggestion = typeof suggested === 'string' && hasFieldErrors ? { field: Object.keys(fields)[0]!, value: suggested } : undefined;
  return { form: hasFieldErrors ? undefined : describe(problem), fields, suggestion };
}

function describe(problem: ApiProblem): string {
  const message = problem.detail || problem.title;
  if (problem.retryAfterSeconds) return `${message} Try again in ${waitingTime(problem.retryAfterSeconds)}.`;
  return message;
}

function waitingTime(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** A list filter the API refuses (400) is the user's to fix, not an error page: the reason to show, or the error thrown on. */
export function refusedFilter(error: unknown): string {
  if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
  return error.fieldErrors.map((e) => `${e.field.replace(/^(body|query)\./, '')}: ${e.message}`).join('; ') || error.detail;
}
