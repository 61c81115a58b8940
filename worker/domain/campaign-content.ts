import { inArray, isNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { templates, type Campaign, type Tenant } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { compileTemplate, type CompiledTemplate, type TemplateContent } from '../mail/merge-tags';
import type { MergeWorkspace } from '../mail/merge-variables';
import { senderIdentity, type SenderIdentity } from './sender-identity';
import { mergeContext } from './template-content';
import { templateVersionContent } from './template-versions';

/**
 * The campaign with its template versions pinned: the current version of its template and of each
 * A/B variant's own template, where not pinned yet. Starting saves this; the checklist probes it.
 */
export async function withPinnedVersions(scope: TenantScope, c: Campaign): Promise<Campaign> {
  const ids = [c.templateId, ...(c.abTest?.variants ?? []).map((v) => v.template_id)].filter((id): id is string => Boolean(id));
  if (!ids.length) return c;
  const current = new Map(
    (await scope.db.select({ id: templates.id, version: templates.version }).from(templates).where(scope.own(templates, inArray(templates.id, ids), isNull(templates.deletedAt))).all()).map((t) => [t.id, t.version]),
  );
  const pin = (id: string | null | undefined, pinned: number | null | undefined) => pinned ?? (id ? current.get(id) : undefined) ?? null;
  return {
    ...c,
    templateVersion: pin(c.templateId, c.templateVersion),
    abTest: c.abTest ? { ...c.abTest, variants: c.abTest.variants.map((v) => ({ ...v, template_version: v.template_id ? pin(v.template_id, v.template_version) : null })) } : null,
  };
}

/**
 * The content of one variant (or of the campaign without A/B test): the pinned template version with
 * the campaign's and then the variant's subject and preheader over it.
 */
export async function variantContent(scope: TenantScope, c: Campaign, variantKey: string | null): Promise<TemplateContent & { fromName: string | null }> {
  const variant = variantKey ? c.abTest?.variants.find((v) => v.key === variantKey) : undefined;
  const templateId = variant?.template_id ?? c.templateId;
  const version = variant?.template_id ? variant.template_version : c.templateVersion;
  if (!templateId || !version) throw new Problem('unprocessable', templateId ? 'The template of the campaign was deleted.' : 'Choose a template.');
  const content = await templateVersionContent(scope, templateId, version);
  return {
    ...content,
    subject: variant?.subject || c.subject || content.subject,
    preheader: variant?.preheader ?? c.preheader ?? content.preheader,
  };
}

// Compiling Liquid costs more than rendering it: a consumer keeps each variant's compiled template
// for as long as the isolate lives. The key names the pinned versions, which never change.
const compiledCache = new Map<string, CompiledTemplate>();
const COMPILED_CACHE_LIMIT = 200;

async function compiledVariant(scope: TenantScope, c: Campaign, variantKey: string | null) {
  const variant = variantKey ? c.abTest?.variants.find((v) => v.key === variantKey) : undefined;
  const key = `${c.id}:${c.templateVersion}:${variantKey ?? ''}:${variant?.template_version ?? ''}:${c.subject ?? ''}:${c.preheader ?? ''}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    const content = await variantContent(scope, c, variantKey);
    compiled = compileTemplate(content);
    if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  return compiled;
}

/** Everything a send batch of one campaign needs once, loaded once per batch. */
export interface CampaignSendContext {
  campaign: Campaign;
  tenant: Tenant;
  workspace: MergeWorkspace;
  sender: SenderIdentity;
  fromName: string | null;
  compiled(variantKey: string | null): Promise<CompiledTemplate>;
}

export async function campaignSendContext(env: Env, db: DB, campaign: Campaign, tenant: Tenant): Promise<CampaignSendContext> {
  const scope = tenantScope(db, tenant.id);
  const [context, sender, base] = await Promise.all([
    mergeContext(scope),
    senderIdentity(env, db, tenant, campaign.fromEmail ? { email: campaign.fromEmail, name: campaign.fromName } : undefined),
    variantContent(scope, campaign, null),
  ]);
  return {
    campaign,
    tenant,
    workspace: context.workspace,
    sender: campaign.replyTo ? { ...sender, replyTo: campaign.replyTo } : sender,
    fromName: campaign.fromName ?? base.fromName,
    compiled: (variantKey) => compiledVariant(scope, campaign, variantKey),
  };
}
