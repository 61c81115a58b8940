import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { ImportUpload } from '~/lib/api-types';
import { assertTrustedUpload } from '~/lib/csrf.server';
import { ApiProblem } from '~/lib/problem';
import { pendingCookieHeaders } from '~/lib/request-state.server';

/** What the import wizard's script gets back from an upload. */
export type UploadAnswer = { ok: true; upload: ImportUpload } | { ok: false; error: string };

/**
 * Step 1 of the import wizard: the file goes to the API as it streams in, never read or held
 * here (it may be 50 MB). The wizard posts it by script, with the CSRF token in a header.
 */
export async function action(args: ActionFunctionArgs) {
  await assertTrustedUpload(args);
  const { request } = args;
  const answer = (body: UploadAnswer, status: number) => Response.json(body, { status, headers: pendingCookieHeaders(args) });
  if (!request.body) return answer({ ok: false, error: 'Choose a file to upload.' }, 400);
  try {
    const upload = await userApi(args).upload<ImportUpload>('/v1/contacts/import/uploads', {
      stream: request.body,
      contentType: request.headers.get('content-type') ?? '',
      contentLength: request.headers.get('content-length'),
    });
    return answer({ ok: true, upload }, 201);
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    const reason = error.status === 401 ? 'Your session was renewed while the file was on its way. Please upload it again.' : error.fieldErrors[0]?.message ?? (error.detail || error.title);
    return answer({ ok: false, error: reason }, error.status >= 500 ? 502 : error.status);
  }
}
