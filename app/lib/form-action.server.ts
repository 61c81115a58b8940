import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { assertTrustedSubmission } from './csrf.server';
import type { ActionResult } from './action-result';
import { ApiProblem, toFormErrors } from './problem';
import { redirectWith, reply } from './respond.server';
import type { ToastAction } from './toast';
import { queueToast } from './toast.server';

/** What a successful form submission leads to: always a toast (maybe with an undo), then either a page or some data. */
export type Outcome<D = undefined> = { toast: string; toastAction?: ToastAction; redirectTo?: string; data?: D };

/**
 * The one shape of every dashboard action: verify the submission (Origin + CSRF token), run the
 * handler for the submitted `intent`, and turn API problems into form errors. Either way a toast
 * is queued, so the user always sees what happened.
 */
export async function formAction<D = undefined>(
  args: ActionFunctionArgs,
  run: (form: FormData, intent: string) => Promise<Outcome<D>>,
  /** For actions without a page of their own: after a failure, go back there; the toast says what failed. */
  { returnTo }: { returnTo?: (form: FormData) => string } = {},
) {
  const form = await args.request.formData();
  await assertTrustedSubmission(args, form);
  const intent = String(form.get('intent') ?? 'submit');
  try {
    const outcome = await run(form, intent);
    await queueToast(args, 'success', outcome.toast, outcome.toastAction);
    if (outcome.redirectTo) return redirectWith(args, outcome.redirectTo);
    const result: ActionResult<D> = { ok: true, intent, data: outcome.data };
    return reply(args, result);
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    const errors = toFormErrors(error);
    await queueToast(args, 'error', errors.form ?? 'Please correct the highlighted fields.');
    if (returnTo) return redirectWith(args, returnTo(form));
    const result: ActionResult<D> = { ok: false, intent, errors };
    return reply(args, result, { status: error.status >= 500 ? 502 : error.status });
  }
}

/** A form field as a trimmed string ('' when absent), for building API request bodies. */
export function field(form: FormData, name: string): string {
  return rawField(form, name).trim();
}

/** A field exactly as typed: passwords may begin or end with spaces. */
export function rawField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
