import { VARIANT_KEYS, type AbTest, type AbTestInput, type CampaignAudience } from './api-types';

/**
 * The campaign wizard's forms in the API's shapes. Browser-safe (no server modules): the audience
 * step also builds the audience in the browser, for its live count.
 */

const AUDIENCE_SETS = ['lists', 'segments', 'tags', 'exclude_lists', 'exclude_segments', 'exclude_tags'] as const;
export type AudienceSet = (typeof AUDIENCE_SETS)[number];

export type InactiveChoice = NonNullable<CampaignAudience['inactive']>;
export const INACTIVE_CHOICES: readonly InactiveChoice[] = ['exclude', 'include', 'only'];

/** The audience as the wizard holds it while the user picks: every set present, maybe empty. */
export type AudienceDraft = Record<AudienceSet, string[]> & { all: boolean; contact_ids: string[]; unopened_of: string | null; inactive: InactiveChoice };

export function audienceDraft(a: CampaignAudience | null | undefined): AudienceDraft {
  return {
    all: Boolean(a?.all),
    lists: a?.lists ?? [],
    segments: a?.segments ?? [],
    tags: a?.tags ?? [],
    exclude_lists: a?.exclude_lists ?? [],
    exclude_segments: a?.exclude_segments ?? [],
    exclude_tags: a?.exclude_tags ?? [],
    contact_ids: a?.contact_ids ?? [],
    unopened_of: a?.unopened_of ?? null,
    inactive: a?.inactive ?? 'exclude',
  };
}

/**
 * The API's audience: empty sets left out, and with "all subscribed" the other includes too
 * (the API ignores them then; sending them would only look like a narrower audience).
 */
export function toAudience(d: AudienceDraft): CampaignAudience {
  const out: CampaignAudience = {};
  if (d.all) out.all = true;
  for (const set of AUDIENCE_SETS) {
    const include = !set.startsWith('exclude_');
    if (d[set].length && (!d.all || !include)) out[set] = [...new Set(d[set])];
  }
  if (!d.all && d.contact_ids.length) out.contact_ids = d.contact_ids;
  if (!d.all && d.unopened_of) out.unopened_of = d.unopened_of;
  // Leaving inactive contacts out is the API's default: only a choice to mail them is sent.
  if (d.inactive !== 'exclude') out.inactive = d.inactive;
  return out;
}

/** The audience step's fields: one checkbox per list, segment or tag under each set's name. */
export function audienceFromForm(form: FormData): CampaignAudience {
  const values = (name: string) => form.getAll(name).map(String).filter(Boolean);
  const draft = audienceDraft(null);
  draft.all = form.get('all') === 'on';
  for (const set of AUDIENCE_SETS) draft[set] = values(set);
  draft.contact_ids = values('contact_ids');
  draft.unopened_of = values('unopened_of')[0] ?? null;
  const inactive = values('inactive')[0];
  draft.inactive = INACTIVE_CHOICES.find((c) => c === inactive) ?? 'exclude';
  return toAudience(draft);
}

/** Whether the audience includes anyone at all (exclusions alone reach nobody). */
export const hasIncludes = (a: CampaignAudience) =>
  Boolean(a.all || a.lists?.length || a.segments?.length || a.tags?.length || a.contact_ids?.length || a.unopened_of);

/** The From address: the platform address when no domain is chosen, else the local part at the chosen verified domain. */
export function fromEmailOf(form: FormData): string | null {
  const domain = String(form.get('from_domain') ?? '').trim();
  if (!domain) return null;
  return `${String(form.get('from_local') ?? '').trim()}@${domain}`;
}

export type AbMode = 'subject' | 'template';

/** An A/B test as the settings step edits it: what differs between the variants, and one value per variant. */
export interface AbDraft {
  enabled: boolean;
  mode: AbMode;
  /** The subject or the template id of each variant, in order (A, B, …). */
  values: string[];
  test_percent: string;
  metric: 'opens' | 'clicks';
  wait_hours: string;
}

export const AB_MIN_VARIANTS = 2;
export const AB_MAX_VARIANTS = VARIANT_KEYS.length;

export function abDraft(test: AbTest | null | undefined): AbDraft {
  if (!test) return { enabled: false, mode: 'subject', values: ['', ''], test_percent: '20', metric: 'opens', wait_hours: '4' };
  const mode: AbMode = test.variants.some((v) => v.template_id) ? 'template' : 'subject';
  return {
    enabled: true,
    mode,
    values: test.variants.map((v) => (mode === 'template' ? v.template_id : v.subject) ?? ''),
    test_percent: String(test.test_percent),
    metric: test.metric,
    wait_hours: String(test.wait_hours),
  };
}

/** A number field as typed: absent when blank (the API's default applies), else the number (the API names what is wrong with it). */
const numberOf = (raw: string) => (raw.trim() === '' ? undefined : Number(raw));

/** `ab_test` as sent: share and wait may be left to the API's defaults (20 %, 4 h). */
export type AbTestBody = Omit<AbTestInput, 'test_percent' | 'wait_hours'> & Partial<Pick<AbTestInput, 'test_percent' | 'wait_hours'>>;

/**
 * The settings step's A/B fields as the API's `ab_test` (null: no test). Values are sent as typed,
 * blanks included, so the API's error names the variant that needs one.
 */
export function abTestFromForm(form: FormData): AbTestBody | null {
  if (form.get('ab_enabled') !== 'on') return null;
  const mode: AbMode = form.get('ab_mode') === 'template' ? 'template' : 'subject';
  const values = form.getAll(mode === 'template' ? 'ab_template' : 'ab_subject').map((v) => String(v).trim());
  const variants = values.slice(0, AB_MAX_VARIANTS).map((value, i) => ({ key: VARIANT_KEYS[i]!, ...(mode === 'template' ? { template_id: value } : { subject: value }) }));
  const test: AbTestBody = { variants, metric: form.get('ab_metric') === 'clicks' ? 'clicks' : 'opens' };
  const percent = numberOf(String(form.get('ab_test_percent') ?? ''));
  const wait = numberOf(String(form.get('ab_wait_hours') ?? ''));
  if (percent !== undefined) test.test_percent = percent;
  if (wait !== undefined) test.wait_hours = wait;
  return test;
}

/** A checkbox or switch field as a boolean. */
export const checked = (form: FormData, name: string) => form.get(name) === 'on';

/** Names to show for the ids an audience holds (lists, segments; tags are their own names). */
export interface AudienceNames {
  lists: Map<string, string>;
  segments: Map<string, string>;
  campaigns: Map<string, string>;
}

/** An audience in words: "Lists Customers, Trial; tag vip — leaving out list Unsubscribed-bounce". */
export function describeAudience(a: CampaignAudience, names: AudienceNames): string {
  const named = (ids: string[] | undefined, map: Map<string, string>) => (ids ?? []).map((id) => map.get(id) ?? id);
  const parts = (lists: string[] | undefined, segments: string[] | undefined, tags: string[] | undefined) =>
    [
      lists?.length ? `${lists.length === 1 ? 'list' : 'lists'} ${named(lists, names.lists).join(', ')}` : '',
      segments?.length ? `${segments.length === 1 ? 'segment' : 'segments'} ${named(segments, names.segments).join(', ')}` : '',
      tags?.length ? `${tags.length === 1 ? 'tag' : 'tags'} ${tags.join(', ')}` : '',
    ].filter(Boolean);
  const includes = a.all
    ? ['all subscribed contacts']
    : [
        ...parts(a.lists, a.segments, a.tags),
        ...(a.contact_ids?.length ? [`${a.contact_ids.length} chosen ${a.contact_ids.length === 1 ? 'contact' : 'contacts'}`] : []),
        ...(a.unopened_of ? [`those who did not open ${names.campaigns.get(a.unopened_of) ?? 'the original campaign'}`] : []),
      ];
  const excludes = parts(a.exclude_lists, a.exclude_segments, a.exclude_tags);
  const text = includes.length ? includes.join('; ') : 'nobody yet';
  const inactive = a.inactive === 'only' ? ', only those the sunset made inactive (re-engagement)' : a.inactive === 'include' ? ', inactive contacts included' : '';
  const sentence = (excludes.length ? `${text}, leaving out ${excludes.join('; ')}` : text) + inactive;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
