/**
 * Choices for the workspace settings, built on the server (the browser's Intl data may differ,
 * and the page must hydrate to the same markup).
 */
export const LANGUAGES: { value: string; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch (German)' },
  { value: 'fr', label: 'Français (French)' },
  { value: 'es', label: 'Español (Spanish)' },
  { value: 'it', label: 'Italiano (Italian)' },
  { value: 'nl', label: 'Nederlands (Dutch)' },
  { value: 'pt', label: 'Português (Portuguese)' },
  { value: 'pl', label: 'Polski (Polish)' },
  { value: 'sv', label: 'Svenska (Swedish)' },
  { value: 'da', label: 'Dansk (Danish)' },
  { value: 'nb', label: 'Norsk bokmål (Norwegian)' },
  { value: 'fi', label: 'Suomi (Finnish)' },
  { value: 'cs', label: 'Čeština (Czech)' },
  { value: 'ja', label: '日本語 (Japanese)' },
];

/** Region codes that are not countries one can have a postal address in. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'AA', 'XK']);

/** ISO 3166-1 alpha-2 countries with their English names, sorted by name. */
export function countryOptions(): { value: string; label: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const options: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = names.of(code);
      if (name && name !== code) options.push({ value: code, label: name });
    }
  }
  return options.sort((x, y) => x.label.localeCompare(y.label, 'en'));
}

/** IANA time zones, with the current one kept even if this runtime does not list it. */
export function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set(['UTC', ...zones, current]);
  return [...all].sort();
}
