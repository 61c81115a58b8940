import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts } from '../../worker/db/schema';
import { tenantScope, type TenantScope } from '../../worker/db/tenant-scope';
import { planFilters, type FilterPlan } from '../../worker/domain/contact-conditions';
import { contactFilterWhere, type ContactFilter } from '../../worker/domain/contacts';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { call, paidTenant, type Session } from './helpers';

async function contact(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/contacts', { token: s.token, body });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

const search = async (s: Session, q: string) =>
  (await call(`/v1/contacts?limit=100&q=${encodeURIComponent(q)}`, { token: s.token })).json.data.map((c: { email: string }) => c.email).sort();

/** What the search means, read independently of SQL: emails are stored lower-cased; names fold ASCII letters only. */
const foldAscii = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
const matches = (p: { email: string; first: string | null; last: string | null }, q: string) => {
  const text = q.trim();
  return p.email.startsWith(text.toLowerCase()) || [p.first, p.last].some((name) => name !== null && foldAscii(name).startsWith(foldAscii(text)));
};

async function selected(scope: TenantScope, filter: ContactFilter, plan: FilterPlan) {
  const where = contactFilterWhere(scope, filter, { search: plan, tag: plan, list: plan });
  return (await scope.db.select({ id: contacts.id }).from(contacts).where(where).all()).map((r) => r.id).sort();
}

describe('contact search', () => {
  it('finds a prefix of the email or of either name, with ASCII letters in any case', async () => {
    const s = await paidTenant();
    await contact(s, { email: 'ada.l@example.com', first_name: 'Ada', last_name: 'Lovelace' });
    await contact(s, { email: 'g.hopper@example.com', first_name: 'GRACE', last_name: 'Hopper' });
    await contact(s, { email: 'emile.z@example.com', first_name: 'Émile', last_name: 'Zola' });
    await contact(s, { email: 'shout@example.com', first_name: 'ÉMILE' });
    await contact(s, { email: 'quiet@example.com', first_name: 'émile' });
    expect(await search(s, 'ADA')).toEqual(['ada.l@example.com']);
    expect(await search(s, 'grace')).toEqual(['g.hopper@example.com']);
    expect(await search(s, 'G.HOP')).toEqual(['g.hopper@example.com']);
    expect(await search(s, 'lOvE')).toEqual(['ada.l@example.com']);
    // SQLite folds ASCII letters only: É and é are different letters, the rest of the name is folded.
    expect(await search(s, 'Émile')).toEqual(['emile.z@example.com', 'shout@example.com']);
    expect(await search(s, 'émile')).toEqual(['quiet@example.com']);
    expect(await search(s, 'emile')).toEqual(['emile.z@example.com']);
    expect(await search(s, 'velace')).toEqual([]);
    expect(await search(s, 'Ada Lovelace')).toEqual([]);
  });

  it('takes %, _ and \\ literally', async () => {
    const s = await paidTenant();
    await contact(s, { email: 'one@example.com', first_name: 'a_b' });
    await contact(s, { email: 'two@example.com', first_name: 'axb' });
    await contact(s, { email: 'three@example.com', first_name: '100%' });
    await contact(s, { email: 'four@example.com', first_name: '100 years' });
    await contact(s, { email: 'five@example.com', last_name: 'back\\slash' });
    expect(await search(s, 'a_')).toEqual(['one@example.com']);
    expect(await search(s, '100%')).toEqual(['three@example.com']);
    expect(await search(s, '%')).toEqual([]);
    expect(await search(s, '_')).toEqual([]);
    expect(await search(s, 'back\\')).toEqual(['five@example.com']);
    expect(await search(s, '\\')).toEqual([]);
  });

  it('selects the same contacts whether it runs from the indexes or by scanning, as the documented rule says', async () => {
    const s = await paidTenant();
    const scope = tenantScope(getDb(env), s.tenantId);
    // Letters around the edges of the ranges the indexed plan uses: case pairs, LIKE wildcards, the
    // character after z, the code points around the surrogate gap and the last code point.
    const alphabet = ['a', 'A', 'z', '{', 'É', 'é', 'ß', 'İ', '_', '%', '\\', '.', ' ', '\uD7FF', '\uE000', '\u{10FFFF}'];
    const word = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));
    const people = fc.sample(fc.record({ local: word, first: fc.option(word), last: fc.option(word), deleted: fc.integer({ min: 0, max: 7 }).map((n) => n === 0) } as const), { numRuns: 80, seed: 20261126 });
    const rows = people.map((p, i) => ({
      id: newId(ID_PREFIX.contact),
      tenantId: s.tenantId,
      email: `${p.local}${i}@example.com`.toLowerCase(),
      firstName: p.first,
      lastName: p.last,
      deletedAt: p.deleted ? new Date() : null,
    }));
    // Nine bound values per row (drizzle binds the defaults too): ten rows stay under D1's 100.
    for (let i = 0; i < rows.length; i += 10) await scope.db.insert(contacts).values(rows.slice(i, i + 10)).run();
    const live = rows.filter((r) => !r.deletedAt).map((r) => ({ id: r.id, email: r.email, first: r.firstName, last: r.lastName }));
    const prefixOfSomeone = fc.constantFrom(...live.flatMap((p) => [p.email, p.first, p.last].filter((v) => v !== null))).chain((text) => {
      const chars = Array.from(text);
      return fc.integer({ min: 1, max: chars.length }).map((n) => chars.slice(0, n).join(''));
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(word, prefixOfSomeone), async (q) => {
        fc.pre(q.trim() !== '');
        const expected = live.filter((p) => matches(p, q)).map((p) => p.id).sort();
        expect(await selected(scope, { q }, 'index'), `q=${JSON.stringify(q)}`).toEqual(expected);
        expect(await selected(scope, { q }, 'scan'), `q=${JSON.stringify(q)}`).toEqual(expected);
      }),
      { numRuns: 120 },
    );
  });

  it('reads rare matches from the indexes and common ones by scanning the newest contacts', async () => {
    const s = await paidTenant();
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'News' } })).json.id;
    const sams = [];
    for (const email of ['sam1@example.com', 'sam2@example.com', 'sam3@example.com']) sams.push(await contact(s, { email, tags: ['common'] }));
    await contact(s, { email: 'zed@example.com', first_name: 'Samantha', tags: ['common', 'rare'] });
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: sams } });
    const scope = tenantScope(getDb(env), s.tenantId);
    expect(await planFilters(scope, { q: 'SAM', tag: 'common', list }, 3)).toEqual({ search: 'scan', tag: 'scan', list: 'scan' });
    expect(await planFilters(scope, { q: 'sam2', tag: 'rare', list }, 4)).toEqual({ search: 'index', tag: 'index', list: 'index' });
    expect(await planFilters(scope, { q: 'nobody', tag: 'no such tag' }, 4)).toEqual({ search: 'index', tag: 'index' });
    expect(await planFilters(scope, {}, 4)).toEqual({});
  });

  it('selects the same contacts by tag and list, alone or combined, either way', async () => {
    const s = await paidTenant();
    const news = (await call('/v1/lists', { token: s.token, body: { name: 'News' } })).json.id;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await contact(s, { email: `m${i}@example.com`, first_name: i % 3 ? 'Mia' : 'Max', tags: i % 2 ? ['odd'] : ['even', ...(i % 4 ? [] : ['four'])] }));
    await call(`/v1/lists/${news}/members`, { token: s.token, body: { contact_ids: ids.slice(0, 8) } });
    // Removed members stay on the list as unsubscribed: neither way may count them.
    await call(`/v1/lists/${news}/members/remove`, { token: s.token, body: { contact_ids: ids.slice(0, 2) } });
    const other = await paidTenant();
    await contact(other, { email: 'm0@example.com', first_name: 'Mia', tags: ['odd', 'even'] });
    const scope = tenantScope(getDb(env), s.tenantId);
    const filters: ContactFilter[] = [{ tag: 'odd' }, { tag: 'four' }, { tag: 'none' }, { list: news }, { tag: 'even', list: news }, { q: 'mia', tag: 'odd', list: news }, { q: 'm1', status: 'subscribed', tag: 'odd' }];
    for (const filter of filters) {
      const byIndex = await selected(scope, filter, 'index');
      expect(await selected(scope, filter, 'scan'), JSON.stringify(filter)).toEqual(byIndex);
      const query = new URLSearchParams({ limit: '100', ...(filter as Record<string, string>) });
      const listed = (await call(`/v1/contacts?${query}`, { token: s.token })).json.data.map((c: { id: string }) => c.id).sort();
      expect(listed, JSON.stringify(filter)).toEqual(byIndex);
    }
    expect(await selected(scope, { list: news }, 'scan')).toEqual(ids.slice(2, 8).sort());
    expect(await selected(scope, { tag: 'four' }, 'index')).toEqual([ids[0], ids[4], ids[8]].sort());
  });

  it('pages the matches newest first, without gaps or repeats', async () => {
    const s = await paidTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await contact(s, { email: `page${i}@example.com`, first_name: i % 2 ? 'Pagey' : null }));
    await contact(s, { email: 'other@example.com' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(`/v1/contacts?limit=2&q=pag${cursor ? `&cursor=${cursor}` : ''}`, { token: s.token });
      seen.push(...res.json.data.map((c: { id: string }) => c.id));
      cursor = res.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("never finds another tenant's contacts, whichever way it runs", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const mine = await contact(a, { email: 'shared@example.com', first_name: 'Shared' });
    await contact(b, { email: 'shared@example.com', first_name: 'Shared' });
    await contact(b, { email: 'sharedonly-b@example.com', last_name: 'Shared' });
    expect(await search(a, 'shared')).toEqual(['shared@example.com']);
    const scope = tenantScope(getDb(env), a.tenantId);
    expect(await selected(scope, { q: 'shared' }, 'index')).toEqual([mine]);
    expect(await selected(scope, { q: 'shared' }, 'scan')).toEqual([mine]);
  });
});
