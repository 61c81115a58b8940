import type { FormErrors } from './problem';

/** What every dashboard action returns to its form (see formAction in form-action.server.ts). */
export type ActionResult<D = undefined> =
  | { ok: true; intent: string; data?: D }
  | { ok: false; intent: string; errors: FormErrors };
