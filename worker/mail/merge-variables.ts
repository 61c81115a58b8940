import type { Brand, Contact, PostalAddress } from '../db/schema';
import { formatPostalAddress } from './footer';

/**
 * The variables a template can use, in one place: what a recipient's render gets
 * (`mergeVariables`), which names are known (`unknownVariables`), and the guide the editor shows
 * (`mergeTagGuide`). Contact fields are top-level (`{{ first_name }}`) and under `contact.`;
 * custom fields under `custom.` (and top-level unless a contact field has that name).
 */

export const CONTACT_FIELDS = ['email', 'first_name', 'last_name', 'full_name', 'phone', 'company', 'city', 'country', 'language', 'timezone'] as const;
export const LINK_VARIABLES = ['unsubscribe_url', 'preferences_url', 'view_online_url'] as const;
const TENANT_FIELDS = ['name', 'address', 'address_lines'] as const;
const BRAND_FIELDS = ['logo_url', 'primary_color', 'footer_text'] as const;
/** Liquid's own properties of strings and arrays (`{{ first_name.size }}`). */
const BUILTIN_PROPERTIES = new Set(['size', 'first', 'last']);

export type CustomValue = string | number | boolean | null;
export type MergeVariables = Record<string, unknown>;

export interface CustomFieldDef {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean';
}

/** The contact columns a render reads (a Contact row fits). */
export type MergeContact = Pick<Contact, 'email' | 'firstName' | 'lastName' | 'phone' | 'company' | 'city' | 'country' | 'language' | 'timezone' | 'custom'>;

export interface MergeWorkspace {
  name: string;
  postalAddress: PostalAddress | null;
  brand: Brand | null;
}

export type MergeLinks = Record<(typeof LINK_VARIABLES)[number], string>;

/** In previews the links go nowhere: clicking them inside the editor must not unsubscribe anyone. */
export const PREVIEW_LINKS: MergeLinks = { unsubscribe_url: '#unsubscribe', preferences_url: '#preferences', view_online_url: '#view-online' };

function addressOf(address: PostalAddress | null) {
  if (!address) return { line: '', lines: [] as string[] };
  const filled = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';
  let line = '';
  try {
    line = formatPostalAddress(address);
  } catch {
    // Incomplete: sending refuses it anyway; previews show what there is.
  }
  const cityLine = [address.city, address.region, address.postal_code].filter(filled).join(' ');
  return { line, lines: [address.line1, address.line2, cityLine, address.country].filter(filled) };
}

/** One recipient's variables. */
export function mergeVariables(contact: MergeContact, workspace: MergeWorkspace, links: MergeLinks, now = new Date()): MergeVariables {
  const fields = {
    email: contact.email,
    first_name: contact.firstName,
    last_name: contact.lastName,
    full_name: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || null,
    phone: contact.phone,
    company: contact.company,
    city: contact.city,
    country: contact.country,
    language: contact.language,
    timezone: contact.timezone,
  };
  const custom = { ...(contact.custom ?? {}) };
  const address = addressOf(workspace.postalAddress);
  return {
    ...custom,
    ...fields,
    custom,
    contact: { ...fields, custom },
    tenant: { name: workspace.name, address: address.line, address_lines: address.lines },
    brand: { logo_url: workspace.brand?.logo_url ?? null, primary_color: workspace.brand?.primary_color ?? null, footer_text: workspace.brand?.footer_text ?? null },
    ...links,
    current_year: now.getUTCFullYear(),
  };
}

function sampleValue(f: CustomFieldDef, now: Date): CustomValue {
  switch (f.type) {
    case 'number':
      return 42;
    case 'date':
      return now.toISOString().slice(0, 10);
    case 'boolean':
      return true;
    default:
      return `Sample ${f.label}`.slice(0, 100);
  }
}

/** The built-in sample recipient of previews: Ada Lovelace, with a sample value for each custom field. */
export function sampleContact(fields: CustomFieldDef[], now = new Date()): MergeContact {
  return {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+44 20 7946 0018',
    company: 'Analytical Engines Ltd',
    city: 'London',
    country: 'GB',
    language: 'en',
    timezone: 'Europe/London',
    custom: Object.fromEntries(fields.map((f) => [f.key, sampleValue(f, now)])),
  };
}

type Segments = (string | number | unknown[])[];

const isName = (s: unknown): s is string => typeof s === 'string';

/** Whether the path after a known root is one the variables have. */
function knownPath(path: Segments, customKeys: Set<string>): boolean {
  const [root, first, second] = path;
  const rest = (n: number) => path.slice(n).every((s) => !isName(s) || BUILTIN_PROPERTIES.has(s));
  if (!isName(root)) return true;
  if (root === 'contact') {
    if (!isName(first)) return true;
    if (first === 'custom') return !isName(second) || (customKeys.has(second) && rest(3));
    return (CONTACT_FIELDS as readonly string[]).includes(first) && rest(2);
  }
  if (root === 'custom') return !isName(first) || (customKeys.has(first) && rest(2));
  if (root === 'tenant') return !isName(first) || ((TENANT_FIELDS as readonly string[]).includes(first) && rest(2));
  if (root === 'brand') return !isName(first) || ((BRAND_FIELDS as readonly string[]).includes(first) && rest(2));
  const scalars = [...CONTACT_FIELDS, ...LINK_VARIABLES, 'current_year'] as string[];
  return (scalars.includes(root) || customKeys.has(root)) && rest(1);
}

const pathName = (path: Segments): string =>
  path.map((s, i) => (Array.isArray(s) ? `[${pathName(s as Segments)}]` : typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');

/** Variables the template reads that this workspace does not have (a typo, a deleted custom field). Not an error: they render empty. */
export function unknownVariables(paths: Segments[], customKeys: Iterable<string>): string[] {
  const keys = new Set(customKeys);
  return [...new Set(paths.filter((p) => !knownPath(p, keys)).map(pathName))].sort();
}

export interface MergeTagEntry {
  tag: string;
  insert: string;
  description: string;
  example: string;
}

const entry = (tag: string, description: string, example: unknown, insert = `{{ ${tag} }}`): MergeTagEntry => ({
  tag,
  insert,
  description,
  example: example === null || example === undefined || example === '' ? '(empty)' : String(example),
});

const FILTERS = [
  { name: 'default', description: 'A fallback when the value is empty', example: '{{ first_name | default: "there" }}' },
  { name: 'capitalize', description: 'First letter upper case', example: '{{ first_name | capitalize }}' },
  { name: 'upcase', description: 'All upper case', example: '{{ company | upcase }}' },
  { name: 'downcase', description: 'All lower case', example: '{{ email | downcase }}' },
  { name: 'truncate', description: 'Shorten to a number of characters', example: '{{ company | truncate: 20 }}' },
  { name: 'truncatewords', description: 'Shorten to a number of words', example: '{{ brand.footer_text | truncatewords: 12 }}' },
  { name: 'date', description: 'Format a date (strftime)', example: '{{ "now" | date: "%B %-d, %Y" }}' },
  { name: 'url_encode', description: 'Make a value safe inside a link', example: 'https://example.com/?email={{ email | url_encode }}' },
  { name: 'strip', description: 'Remove surrounding spaces', example: '{{ company | strip }}' },
  { name: 'replace', description: 'Replace text', example: '{{ company | replace: "Ltd", "Limited" }}' },
  { name: 'append', description: 'Add text after', example: '{{ first_name | append: "," }}' },
  { name: 'round', description: 'Round a number', example: '{{ 2.675 | round: 2 }}' },
];

/** The merge-tag guide of a workspace: every variable with what to insert and an example value. */
export function mergeTagGuide(fields: CustomFieldDef[], workspace: MergeWorkspace, now = new Date()) {
  const vars = mergeVariables(sampleContact(fields, now), workspace, PREVIEW_LINKS, now);
  const tenant = vars.tenant as { name: string; address: string };
  const brand = vars.brand as Record<string, string | null>;
  const contactDescriptions: Record<(typeof CONTACT_FIELDS)[number], string> = {
    email: 'Email address',
    first_name: 'First name',
    last_name: 'Last name',
    full_name: 'First and last name',
    phone: 'Phone number',
    company: 'Company',
    city: 'City',
    country: 'Country (ISO code)',
    language: 'Preferred language',
    timezone: 'Time zone',
  };
  return {
    groups: [
      {
        name: 'Contact' as const,
        variables: CONTACT_FIELDS.map((f) =>
          entry(f, contactDescriptions[f], vars[f], f === 'first_name' ? '{{ first_name | default: "there" }}' : undefined),
        ),
      },
      {
        name: 'Custom fields' as const,
        variables: fields.map((f) => entry(`custom.${f.key}`, `${f.label} (${f.type})`, (vars.custom as Record<string, unknown>)[f.key])),
      },
      {
        name: 'Workspace' as const,
        variables: [
          entry('tenant.name', 'Your organisation', tenant.name),
          entry('tenant.address', 'Your postal address on one line', tenant.address),
          entry('brand.logo_url', 'Logo URL from the brand settings', brand.logo_url, '{{ brand.logo_url }}'),
          entry('brand.primary_color', 'Brand color, with a fallback', brand.primary_color ?? '#2563eb', '{{ brand.primary_color | default: "#2563eb" }}'),
          entry('brand.footer_text', 'Footer text from the brand settings', brand.footer_text),
          entry('current_year', 'The year of sending', vars.current_year),
        ],
      },
      {
        name: 'Links' as const,
        variables: [
          entry('unsubscribe_url', 'One-click unsubscribe (the footer adds one if the template has none)', 'https://…/t/u/…'),
          entry('preferences_url', 'Preference center', 'https://…/t/p/…'),
          entry('view_online_url', 'This message in a browser', 'https://…/t/v/…'),
        ],
      },
    ],
    filters: FILTERS,
    spintax: { syntax: '{option one|option two|option three}', example: '{Hi|Hello|Hey} {{ first_name | default: "there" }},' },
  };
}
