import { describe, expect, test } from 'vitest';
import { abDraft, abTestFromForm, audienceDraft, audienceFromForm, describeAudience, fromEmailOf, hasIncludes, toAudience } from './campaign-form';

const formOf = (entries: [string, string][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};

describe('the audience step', () => {
  test('checked lists, segments and tags become the includes and excludes; empty sets are left out', () => {
    const form = formOf([
      ['lists', 'lst_1'],
      ['lists', 'lst_2'],
      ['tags', 'vip'],
      ['exclude_segments', 'seg_9'],
    ]);
    expect(audienceFromForm(form)).toEqual({ lists: ['lst_1', 'lst_2'], tags: ['vip'], exclude_segments: ['seg_9'] });
  });

  test('"all subscribed" drops the other includes but keeps the exclusions', () => {
    const form = formOf([
      ['all', 'on'],
      ['lists', 'lst_1'],
      ['exclude_tags', 'bounced-once'],
    ]);
    expect(audienceFromForm(form)).toEqual({ all: true, exclude_tags: ['bounced-once'] });
  });

  test('a resend-to-unopened audience keeps its parent campaign through an edit', () => {
    const draft = audienceDraft({ unopened_of: 'cmp_1', exclude_lists: ['lst_3'] });
    expect(toAudience(draft)).toEqual({ unopened_of: 'cmp_1', exclude_lists: ['lst_3'] });
    expect(audienceFromForm(formOf([['unopened_of', 'cmp_1']]))).toEqual({ unopened_of: 'cmp_1' });
  });

  test('exclusions alone reach nobody', () => {
    expect(hasIncludes({ exclude_lists: ['lst_1'] })).toBe(false);
    expect(hasIncludes({ tags: ['vip'] })).toBe(true);
    expect(hasIncludes({ all: true })).toBe(true);
  });

  test('inactive contacts: left out unless the step includes them, or sends to them alone', () => {
    expect(audienceFromForm(formOf([['all', 'on'], ['inactive', 'exclude']]))).toEqual({ all: true });
    expect(audienceFromForm(formOf([['all', 'on'], ['inactive', 'only']]))).toEqual({ all: true, inactive: 'only' });
    expect(audienceFromForm(formOf([['tags', 'vip'], ['inactive', 'everyone']]))).toEqual({ tags: ['vip'] });
    expect(audienceDraft({ lists: ['lst_1'], inactive: 'include' }).inactive).toBe('include');
    expect(audienceDraft(null).inactive).toBe('exclude');
  });

  test('the same list checked twice is sent once', () => {
    expect(toAudience({ ...audienceDraft(null), lists: ['lst_1', 'lst_1'] })).toEqual({ lists: ['lst_1'] });
  });
});

describe('the settings step', () => {
  test('no domain chosen means the platform address (null); otherwise the local part at the domain', () => {
    expect(fromEmailOf(formOf([['from_domain', ''], ['from_local', 'news']]))).toBeNull();
    expect(fromEmailOf(formOf([['from_domain', 'acme.test'], ['from_local', ' news ']]))).toBe('news@acme.test');
    // Left for the API to refuse, naming from_email.
    expect(fromEmailOf(formOf([['from_domain', 'acme.test']]))).toBe('@acme.test');
  });

  test('an A/B test of subjects: variants keyed A, B, C in order, numbers as numbers, blanks sent for the API to name', () => {
    const form = formOf([
      ['ab_enabled', 'on'],
      ['ab_mode', 'subject'],
      ['ab_subject', 'Spring sale'],
      ['ab_subject', '  '],
      ['ab_subject', '20 % off'],
      ['ab_template', 'tpl_ignored'],
      ['ab_test_percent', '30'],
      ['ab_metric', 'clicks'],
      ['ab_wait_hours', '2.5'],
    ]);
    expect(abTestFromForm(form)).toEqual({
      variants: [
        { key: 'A', subject: 'Spring sale' },
        { key: 'B', subject: '' },
        { key: 'C', subject: '20 % off' },
      ],
      test_percent: 30,
      metric: 'clicks',
      wait_hours: 2.5,
    });
  });

  test('template variants, with share and wait left to the API’s defaults; a switched-off test is null', () => {
    const form = formOf([
      ['ab_enabled', 'on'],
      ['ab_mode', 'template'],
      ['ab_template', 'tpl_1'],
      ['ab_template', 'tpl_2'],
      ['ab_test_percent', ''],
    ]);
    expect(abTestFromForm(form)).toEqual({ variants: [{ key: 'A', template_id: 'tpl_1' }, { key: 'B', template_id: 'tpl_2' }], metric: 'opens' });
    expect(abTestFromForm(formOf([['ab_mode', 'subject'], ['ab_subject', 'x']]))).toBeNull();
  });

  test('at most four variants are sent', () => {
    const form = formOf([['ab_enabled', 'on'], ...['1', '2', '3', '4', '5'].map((s): [string, string] => ['ab_subject', s])]);
    expect(abTestFromForm(form)?.variants.map((v) => v.key)).toEqual(['A', 'B', 'C', 'D']);
  });

  test('a stored test opens in the mode its variants use', () => {
    expect(abDraft({ variants: [{ key: 'A', template_id: 'tpl_1' }, { key: 'B', template_id: 'tpl_2' }], test_percent: 10, metric: 'clicks', wait_hours: 1 })).toMatchObject({
      enabled: true,
      mode: 'template',
      values: ['tpl_1', 'tpl_2'],
      test_percent: '10',
    });
    expect(abDraft(null)).toMatchObject({ enabled: false, mode: 'subject', values: ['', ''] });
  });
});

describe('the audience in words', () => {
  const names = { lists: new Map([['lst_1', 'Customers'], ['lst_2', 'Trial']]), segments: new Map([['seg_1', 'Engaged']]), campaigns: new Map([['cmp_1', 'March news']]) };

  test('includes by kind, then what is left out; unknown ids show as ids', () => {
    expect(describeAudience({ lists: ['lst_1', 'lst_2'], tags: ['vip'], exclude_segments: ['seg_1'], exclude_lists: ['lst_9'] }, names)).toBe(
      'Lists Customers, Trial; tag vip, leaving out list lst_9; segment Engaged',
    );
  });

  test('all subscribed, a follow-up, and an empty audience', () => {
    expect(describeAudience({ all: true }, names)).toBe('All subscribed contacts');
    expect(describeAudience({ unopened_of: 'cmp_1' }, names)).toBe('Those who did not open March news');
    expect(describeAudience({}, names)).toBe('Nobody yet');
  });

  test('says when inactive contacts are included, or the only ones', () => {
    expect(describeAudience({ all: true, inactive: 'only' }, names)).toBe('All subscribed contacts, only those the sunset made inactive (re-engagement)');
    expect(describeAudience({ tags: ['vip'], inactive: 'include' }, names)).toBe('Tag vip, inactive contacts included');
  });
});
