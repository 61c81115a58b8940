import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { TemplatePreview } from '~/lib/api-types';
import { assertTrustedUpload } from '~/lib/csrf.server';
import { ApiProblem } from '~/lib/problem';
import { pendingCookieHeaders } from '~/lib/request-state.server';
import { templatePath } from '~/lib/templates.server';

/** What the editor's script posts: unsaved content, or a saved template's version. */
export type PreviewRequest =
  | { content: { subject: string; preheader: string; html: string; text_override: string }; contact_id?: string }
  | { template_id: string; version?: number; contact_id?: string };

export type PreviewAnswer = { ok: true; preview: TemplatePreview } | { ok: false; error: string };

/**
 * The editor's live preview, rendered by the API for sample data or a chosen contact. Posted by
 * script (JSON, CSRF token in a header) rather than through a fetcher: a fetcher submission would
 * make every loader on the page run again after each keystroke's preview.
 */
export async function action(args: ActionFunctionArgs) {
  await assertTrustedUpload(args);
  const answer = (body: PreviewAnswer, status = 200) => Response.json(body, { status, headers: pendingCookieHeaders(args) });
  const request = (await args.request.json().catch(() => null)) as PreviewRequest | null;
  if (!request || typeof request !== 'object') return answer({ ok: false, error: 'The preview request could not be read.' }, 400);
  const contact_id = request.contact_id || undefined;
  const api = userApi(args);
  try {
    const preview =
      'content' in request
        ? await api.post<TemplatePreview>('/v1/templates/preview', {
            subject: request.content.subject,
            preheader: request.content.preheader || undefined,
            html: request.content.html,
            text_override: request.content.text_override.trim() ? request.content.text_override : undefined,
            contact_id,
          })
        : await api.post<TemplatePreview>(`${templatePath(request.template_id)}/preview`, { version: request.version, contact_id });
    return answer({ ok: true, preview });
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    const reason = error.fieldErrors.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`).join('; ') || error.detail || error.title;
    return answer({ ok: false, error: reason }, error.status >= 500 ? 502 : error.status);
  }
}
