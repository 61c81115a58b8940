import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { fileReply } from '~/lib/respond.server';

/** GDPR access request: the API's JSON document about one contact, handed on as a download. */
export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id ?? '';
  return fileReply(args, () => userApi(args).download(`/v1/contacts/${encodeURIComponent(id)}/data-export`), `contact-${id}.json`);
}
