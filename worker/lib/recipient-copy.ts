/**
 * The words of the recipient pages (unsubscribe, preference center), in the contact's language
 * where we have it. Values may contain `{name}` (the sender) and `{email}`.
 */
const EN = {
  unsubscribeTitle: 'Unsubscribe from {name}?',
  unsubscribeMessage: 'You will no longer receive emails from {name} at {email}.',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedMessage: '{email} will no longer receive emails from {name}. Changed your mind?',
  resubscribeButton: 'Subscribe again',
  resubscribedTitle: 'Welcome back',
  resubscribedMessage: '{email} is subscribed to emails from {name} again.',
  notAllowedTitle: 'This address cannot be subscribed again here',
  notAllowedMessage: 'Emails to {email} were stopped for another reason. Please contact {name} directly.',
  preferencesLink: 'Manage your email preferences',
  preferencesTitle: 'Your email preferences',
  preferencesMessage: 'Choose what {name} sends to {email}.',
  topicsLegend: 'Topics',
  languageLabel: 'Language',
  saveButton: 'Save preferences',
  savedTitle: 'Preferences saved',
  savedMessage: 'Your choices for {email} are saved.',
  unsubscribeAll: 'Unsubscribe from all emails',
  noTopics: '{name} has no topics to choose from.',
  goneTitle: 'This link is no longer valid',
  goneMessage: 'The link is not valid, or the address it was sent to is no longer on file.',
} as const;

export type CopyKey = keyof typeof EN;

const DE: Record<CopyKey, string> = {
  unsubscribeTitle: 'Von {name} abmelden?',
  unsubscribeMessage: 'Sie erhalten dann keine E-Mails mehr von {name} an {email}.',
  unsubscribeButton: 'Abmelden',
  unsubscribedTitle: 'Sie sind abgemeldet',
  unsubscribedMessage: '{email} erhält keine E-Mails mehr von {name}. Doch anders entschieden?',
  resubscribeButton: 'Wieder anmelden',
  resubscribedTitle: 'Willkommen zurück',
  resubscribedMessage: '{email} erhält wieder E-Mails von {name}.',
  notAllowedTitle: 'Diese Adresse kann hier nicht wieder angemeldet werden',
  notAllowedMessage: 'E-Mails an {email} wurden aus einem anderen Grund gestoppt. Bitte wenden Sie sich direkt an {name}.',
  preferencesLink: 'E-Mail-Einstellungen verwalten',
  preferencesTitle: 'Ihre E-Mail-Einstellungen',
  preferencesMessage: 'Wählen Sie, was {name} an {email} sendet.',
  topicsLegend: 'Themen',
  languageLabel: 'Sprache',
  saveButton: 'Einstellungen speichern',
  savedTitle: 'Einstellungen gespeichert',
  savedMessage: 'Ihre Auswahl für {email} ist gespeichert.',
  unsubscribeAll: 'Von allen E-Mails abmelden',
  noTopics: '{name} bietet keine Themen zur Auswahl an.',
  goneTitle: 'Dieser Link ist nicht mehr gültig',
  goneMessage: 'Der Link ist ungültig, oder die Adresse, an die er ging, ist nicht mehr gespeichert.',
};

const COPY: Record<string, Record<CopyKey, string>> = { en: EN, de: DE };

/** The languages the pages speak, by their own names (the preference center's language choice). */
export const PAGE_LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
] as const;

/** `de-AT` and `de` both get German; anything we do not have gets English. */
export function pageLanguage(language: string | null | undefined): string {
  const base = (language ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return base in COPY ? base : 'en';
}

export function recipientCopy(language: string | null | undefined, vars: { name?: string; email?: string } = {}) {
  const table = COPY[pageLanguage(language)]!;
  return (key: CopyKey) => table[key].replaceAll('{name}', vars.name ?? '').replaceAll('{email}', vars.email ?? '');
}
