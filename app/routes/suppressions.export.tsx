import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { fileReply } from '~/lib/respond.server';

/** Every suppression as CSV (formula-safe, built by the API), handed on as a download. */
export async function loader(args: LoaderFunctionArgs) {
  return fileReply(args, () => userApi(args).download('/v1/suppressions/export'), 'suppressions.csv');
}
