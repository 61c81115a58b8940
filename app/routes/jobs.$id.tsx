import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { Job } from '~/lib/api-types';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

/** A background job's progress, polled by the pages that started one (e.g. the data export). */
export async function loader(args: LoaderFunctionArgs) {
  try {
    const job = await userApi(args).get<Job>(`/v1/jobs/${encodeURIComponent(args.params.id ?? '')}`);
    return reply(args, { job, error: null });
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    return reply(args, { job: null, error: error.detail || error.title });
  }
}
