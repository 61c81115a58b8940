import { describe, expect, test } from 'vitest';
import { contactFiltersOf, contactsQuery, contactsSearch, isFiltered, selectionFields, selectionFilter, selectionFromForm } from './contact-filters';

const filters = (search: string) => contactFiltersOf(new URL(`http://dashboard.test/contacts${search}`));

describe('contacts list filters', () => {
  test('read from the URL, ignoring values the API would refuse', () => {
    expect(filters('?q=ada&status=bounced&tag=vip&list=lst_1&from=2026-01-01&to=2026-02-01&deleted=true&cursor=abc')).toEqual({
      q: 'ada', status: 'bounced', tag: 'vip', list: 'lst_1', from: '2026-01-01', to: '2026-02-01', field: '', value: '', deleted: true, cursor: 'abc',
    });
    expect(filters('?field=custom.plan&value=pro')).toMatchObject({ field: 'custom.plan', value: 'pro' });
    expect(filters('?status=nonsense&from=yesterday')).toMatchObject({ status: '', from: '' });
  });

  test('become the API query: the date range covers whole days in UTC', () => {
    expect(contactsQuery(filters('?from=2026-01-01&to=2026-01-31'), 50)).toMatchObject({
      limit: 50,
      created_after: '2026-01-01T00:00:00Z',
      created_before: '2026-01-31T23:59:59.999Z',
      deleted: undefined,
    });
    expect(contactsQuery(filters('?deleted=true'), 50).deleted).toBe('true');
    // A field with an empty value asks for contacts without one; a value without a field is no filter.
    expect(contactsQuery(filters('?field=country&value=DE'), 50).field).toBe('country:DE');
    expect(contactsQuery(filters('?field=city'), 50).field).toBe('city:');
    expect(contactsQuery(filters('?value=DE'), 50).field).toBeUndefined();
  });

  test('"all matching" is offered only when the API selection can express the same filter', () => {
    expect(selectionFilter(filters('?q=ada&tag=vip'))).toEqual({ q: 'ada', tag: 'vip' });
    expect(selectionFilter(filters('?field=custom.plan&value=pro'))).toEqual({ field: ['custom.plan:pro'] });
    expect(selectionFilter(filters(''))).toEqual({});
    expect(selectionFilter(filters('?tag=vip&from=2026-01-01'))).toBeNull();
    expect(selectionFilter(filters('?deleted=true'))).toBeNull();
  });

  test('build links that keep the other filters and drop the page', () => {
    const f = filters('?q=ada&cursor=abc');
    expect(contactsSearch(f, { cursor: '', status: 'subscribed' })).toBe('?q=ada&status=subscribed');
    expect(contactsSearch(filters(''))).toBe('');
    expect(isFiltered(filters('?deleted=true&cursor=x'))).toBe(false);
    expect(isFiltered(filters('?list=lst_1'))).toBe(true);
    expect(isFiltered(filters('?field=city'))).toBe(true);
    expect(contactsSearch(filters('?field=country&value=DE&cursor=x'), { cursor: '' })).toBe('?field=country&value=DE');
  });

  test('a selection survives the trip through a form: ids, a filter or a segment', () => {
    const roundTrip = (selection: Parameters<typeof selectionFields>[0]) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(selectionFields(selection))) for (const one of [value].flat()) form.append(name, one);
      return selectionFromForm(form);
    };
    expect(roundTrip({ ids: ['con_1', 'con_2'] })).toEqual({ ids: ['con_1', 'con_2'] });
    expect(roundTrip({ filter: { q: 'ada', list: 'lst_1' } })).toEqual({ filter: { q: 'ada', list: 'lst_1' } });
    expect(roundTrip({ filter: { field: ['country:DE'] } })).toEqual({ filter: { field: ['country:DE'] } });
    expect(roundTrip({ segment_id: 'seg_1' })).toEqual({ segment_id: 'seg_1' });
    expect(selectionFromForm(new FormData())).toBeUndefined();
  });

  test('a posted filter keeps only the keys the API filter has', () => {
    const form = new FormData();
    form.set('selection', 'filter');
    form.set('filter', JSON.stringify({ q: 'ada', deleted: 'true', created_after: '2020-01-01' }));
    expect(selectionFromForm(form)).toEqual({ filter: { q: 'ada' } });
    // A condition of the wrong type is refused: dropping it would select more contacts than asked.
    form.set('filter', JSON.stringify({ q: 'ada', tag: 7 }));
    expect(() => selectionFromForm(form)).toThrow(Response);
    // A field filter that is not a list of texts is refused: dropping it would widen the selection.
    form.set('filter', JSON.stringify({ field: ['country:DE', 7] }));
    expect(() => selectionFromForm(form)).toThrow(Response);
    form.set('filter', '{not json');
    expect(() => selectionFromForm(form)).toThrow(Response);
  });
});
