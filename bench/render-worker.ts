// The worker bench/render.mjs bundles and runs under Miniflare: one recipient's message from the
// newsletter starter, at three depths of the real pipeline, for as many recipients as the request asks.
// It only does the work; render.mjs times each request from outside (it says why).
import type { Env } from '../worker/env';
import { composeRecipientMessage } from '../worker/domain/recipient-message';
import type { SenderIdentity } from '../worker/domain/sender-identity';
import { importDkimPrivateKey, type DkimSigner } from '../worker/mail/dkim';
import { compileTemplate } from '../worker/mail/merge-tags';
import { mergeVariables, sampleContact, type MergeWorkspace } from '../worker/mail/merge-variables';
import { newsletter } from '../worker/mail/starters/newsletter';

type RenderMode = 'merge' | 'build' | 'sign';

interface BenchEnv {
  DKIM_PRIVATE_KEY: string;
}

// All that composeRecipientMessage reads of the environment.
const env = {
  PUBLIC_API_URL: 'https://api.bench.edgepost.test',
  TOKEN_SIGNING_KEYS: 'k1:bench-token-key-0123456789abcdef0123456789',
  PLATFORM_SENDING_DOMAIN: 'mail.bench.edgepost.test',
} as Env;

const workspace: MergeWorkspace = {
  name: 'Acme Café',
  postalAddress: { line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' },
  brand: { primary_color: '#0a7aff', footer_text: 'Fresh coffee since 1999' },
};
const tenant = { id: 'ten_bench', name: workspace.name, slug: 'acme-cafe', postalAddress: workspace.postalAddress, brand: workspace.brand };
const compiled = compileTemplate(newsletter);
const STATIC_LINKS = { unsubscribe_url: 'https://example.com/u', preferences_url: 'https://example.com/p', view_online_url: 'https://example.com/v' };

const FIRST = ['Ada', 'Zoë', 'Mateo', 'Aiko', 'Olu', 'Søren', 'Priya', 'Élodie', 'Kwame', 'Ines', 'Dmitri', 'Mei'];
const LAST = ['Lovelace', 'Müller', 'García', 'Tanaka', 'Adeyemi', 'Kierkegaard', 'Sharma', 'Dubois', 'Mensah', 'Silva', 'Ivanov', 'Chen'];
/** Recipient i: names vary so every merge writes different text, and a few have no first name (the default filter). */
const recipient = (i: number) => ({
  ...sampleContact([]),
  id: `con_bench_${i}`,
  email: `person${i}@bench.example.com`,
  firstName: i % 13 === 0 ? null : `${FIRST[i % FIRST.length]}${i}`,
  lastName: LAST[(i * 7) % LAST.length]!,
});

const messageInput = (i: number) => ({ compiled, workspace, tenant, contact: recipient(i), messageId: `msg_bench_${i}`, tracking: { opens: true, clicks: true }, viewOnline: true });

let signer: Promise<DkimSigner> | undefined;
const senderFor = async (keyPem: string, sign: boolean): Promise<SenderIdentity> => {
  signer ??= importDkimPrivateKey(keyPem).then((privateKey) => ({ domain: 'bench.example.com', selector: 'ep1', privateKey }));
  return {
    from: { name: workspace.name, email: 'news@bench.example.com' },
    replyTo: null,
    returnPath: 'bounces@bench.example.com',
    // build-message leaves the signature out when there is no signer: the "everything but DKIM" depth.
    dkim: sign ? await signer : (null as unknown as DkimSigner),
  };
};

/**
 * Renders recipients 0 … recipients-1, `passes` times over, and answers with the bytes produced, so
 * no work can be skipped. Several passes keep the cheap depth's request long against its fixed cost.
 */
async function run(mode: RenderMode, recipients: number, passes: number, keyPem: string): Promise<number> {
  const sender = await senderFor(keyPem, mode === 'sign');
  let bytes = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < recipients; i++) {
      if (mode === 'merge') {
        const rendered = compiled.render(mergeVariables(recipient(i), workspace, STATIC_LINKS), `msg_bench_${i}`);
        bytes += rendered.html.length + rendered.text.length;
      } else {
        bytes += (await composeRecipientMessage(env, { ...messageInput(i), sender })).raw.length;
      }
    }
  }
  return bytes;
}

export default {
  async fetch(request: Request, benchEnv: BenchEnv) {
    const key = benchEnv.DKIM_PRIVATE_KEY;
    // One signed message, for the runner to check that the whole pipeline ran (tracked links, footer, signature).
    if (new URL(request.url).pathname === '/sample') {
      const message = await composeRecipientMessage(env, { ...messageInput(1), sender: await senderFor(key, true) });
      return Response.json({ raw: message.raw, html: message.html });
    }
    const { mode, recipients, passes } = (await request.json()) as { mode: RenderMode; recipients: number; passes: number };
    return Response.json({ bytes: await run(mode, recipients, passes, key) });
  },
};
