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
    }>;
    const retryAfter = Number(response.headers.get('Retry-After'));
    return new ApiProblem(
      response.status,
      body.type ?? 'about:blank',
      body.title ?? response.statusText ?? 'Request failed',
      body.detail ?? '',
      Array.isArray(body.errors) ? body.errors : [],
      body.request_id ?? response.headers.get('x-request-id'),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
}

/** What a form shows: one message for the form, one per field it knows. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
}

/** Field names the API reports (`body.password`, `email`) mapped onto the form's input names. */
export function toFormErrors(problem: ApiProblem): FormErrors {
  const fields: Record<string, string> = {};
  for (const { field, message } of problem.fieldErrors) fields[field.replace(/^(body|query)\./, '')] = message;
  if (problem.code === 'weak-password') fields.password ??= problem.detail;
  const hasFieldErrors = Object.keys(fields).length > 0;
  return { form: hasFieldErrors ? undefined : describe(problem), fields };
}

function describe(problem: ApiProblem): string {
  const message = problem.detail || problem.title;
  if (problem.retryAfterSeconds) return `${message} Try again in ${waitingTime(problem.retryAfterSeconds)}.`;
  return message;
}

function waitingTime(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
