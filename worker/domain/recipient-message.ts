import type { Tenant } from '../db/schema';
import type { Env } from '../env';
import { buildMessage, recipientLinks, type BuiltMessage, type BuildMessageInput } from '../mail/build-message';
import type { CompiledTemplate } from '../mail/merge-tags';
import { mergeVariables, type MergeContact, type MergeWorkspace } from '../mail/merge-variables';
import { platformDomain, type SenderIdentity } from './sender-identity';
import { trackingBaseUrl } from './tracking-domains';

/**
 * One recipient's message from a compiled template: the recipient's own links are signed first so
 * `{{ unsubscribe_url }}` and the footer show the same ones, the template is merged (spintax seeded
 * by the message id, so /t/v can show the same words again), then build-message rewrites links,
 * adds footer and pixel, builds MIME and signs. The senders (test sends now, campaigns and
 * transactional mail later) call this per recipient with what they loaded once per batch.
 */
export interface RecipientMessageInput {
  compiled: CompiledTemplate;
  workspace: MergeWorkspace;
  tenant: BuildMessageInput['tenant'] & Partial<Pick<Tenant, 'trackingHost'>>;
  contact: MergeContact & { id: string };
  /** The mailbox the message goes to when it is not the contact's own (test sends). */
  to?: string;
  messageId: string;
  campaignId?: string;
  sender: SenderIdentity;
  /** The template's From name; the sender identity's name when empty. */
  fromName?: string | null;
  tracking: BuildMessageInput['tracking'];
  viewOnline: boolean;
  subjectPrefix?: string;
  date?: Date;
}

export interface RecipientMessage extends BuiltMessage {
  subject: string;
}

export async function composeRecipientMessage(env: Env, input: RecipientMessageInput): Promise<RecipientMessage> {
  const linkInput = { messageId: input.messageId, tenant: input.tenant, contact: { id: input.contact.id, email: input.contact.email }, campaignId: input.campaignId, baseUrl: trackingBaseUrl(env, input.tenant), signingKeys: env.TOKEN_SIGNING_KEYS };
  const links = await recipientLinks(linkInput);
  const rendered = input.compiled.render(
    mergeVariables(input.contact, input.workspace, { unsubscribe_url: links.unsubscribeUrl, preferences_url: links.preferencesUrl, view_online_url: links.viewOnlineUrl }),
    input.messageId,
  );
  const subject = `${input.subjectPrefix ?? ''}${rendered.subject}`;
  const name = [input.contact.firstName, input.contact.lastName].filter(Boolean).join(' ') || null;
  const built = await buildMessage({
    ...linkInput,
    contact: { id: input.contact.id, email: input.to ?? input.contact.email, name: input.to ? null : name },
    from: { name: input.fromName?.trim() || input.sender.from.name, email: input.sender.from.email },
    replyTo: input.sender.replyTo ? { email: input.sender.replyTo } : null,
    subject,
    // The merge already put the preheader at the top of the body.
    html: rendered.html,
    text: rendered.text,
    tracking: input.tracking,
    viewOnline: input.viewOnline,
    dkim: input.sender.dkim,
    platformDomain: platformDomain(env),
    links,
    ...(input.date ? { date: input.date } : {}),
  });
  return { ...built, subject };
}
