import { describe, expect, it } from 'vitest';
import { dohResolver, type FetchLike } from '../lib/dns';
import {
  checkSyntax,
  fakeResolver,
  isDisposableDomain,
  isRoleAddress,
  normalizeEmail,
  suggestTypo,
  validateEmail,
  validateEmailSync,
  type MxResolver,
} from './email-validation';

const local64 = 'a'.repeat(64);
// 64 + 1 + 189 = 254, the RFC 5321 ceiling; labels stay within 63.
const domain189 = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;

describe('address syntax', () => {
  const valid: [string, string][] = [
    ['plain address', 'ada@example.com'],
    ['dotted local part', 'ada.lovelace@example.com'],
    ['plus tag', 'ada+newsletter@example.com'],
    ['plus tag with dots', 'ada.l+news.2024@example.com'],
    ['subdomain', 'ada@mail.example.co.uk'],
    ['deep subdomain', 'ops@eu.west.mail.example.com'],
    ['hyphenated domain', 'ada@my-company.com'],
    ['digits in domain', 'ada@123mail.com'],
    ['numeric local part', '1234567@example.com'],
    ['underscore local part', 'first_last@example.com'],
    ['hyphen local part', 'first-last@example.com'],
    ['single-character local part', 'a@example.com'],
    ['single-character domain label', 'ada@x.io'],
    ['RFC 5322 atext symbols', "o'brien!#$%&*=?^`{|}~/@example.com"],
    ['local part of exactly 64 characters', `${local64}@example.com`],
    ['address of exactly 254 characters', `${local64}@${domain189}`],
    ['domain label of exactly 63 characters', `ada@${'x'.repeat(63)}.com`],
    ['long new gTLD', 'ada@example.photography'],
    ['punycode IDN domain', 'ada@xn--bcher-kva.de'],
    ['punycode IDN TLD', 'ivan@xn--d1acufc.xn--p1ai'],
    ['upper-case input', 'Ada.Lovelace@Example.COM'],
    ['IDN domain in Unicode', 'ada@bücher.de'],
    ['angle brackets pasted around it', '<ada@example.com>'],
    ['quotes pasted around it', '"ada@example.com"'],
    ['surrounding whitespace and BOM', '\uFEFF  ada@example.com \t'],
    ['two-letter ccTLD', 'ada@example.io'],
    ['gmail with dots (kept as typed)', 'a.d.a@gmail.com'],
  ];

  it.each(valid)('accepts %s: %s', (_, address) => {
    const email = normalizeEmail(address);
    expect(checkSyntax(email)).toEqual({ ok: true });
    expect(validateEmailSync(address).valid).toBe(true);
  });

  const invalid: [string, string, RegExp][] = [
    ['empty string', '', /empty/],
    ['only spaces', '   ', /empty/],
    ['no @', 'ada.example.com', /no @/],
    ['two @', 'ada@home@example.com', /more than one @/],
    ['empty local part', '@example.com', /before @ is empty/],
    ['empty domain', 'ada@', /after @ is empty/],
    ['local part of 65 characters', `${'a'.repeat(65)}@example.com`, /longer than 64/],
    ['address of 255 characters', `${local64}@${domain189.replace('.com', '.comx')}`, /longer than 254/],
    ['consecutive dots in local part', 'ada..lovelace@example.com', /two dots in a row/],
    ['leading dot in local part', '.ada@example.com', /starts with a dot/],
    ['trailing dot in local part', 'ada.@example.com', /ends with a dot/],
    ['consecutive dots in domain', 'ada@example..com', /two dots in a row/],
    ['trailing dot in domain', 'ada@example.com.', /ends with a dot/],
    ['leading dot in domain', 'ada@.example.com', /starts with a dot/],
    ['space inside', 'ada lovelace@example.com', /space/],
    ['space after @', 'ada@ example.com', /space/],
    ['missing TLD', 'ada@localhost', /no dot/],
    ['one-letter TLD', 'ada@example.c', /top-level domain/],
    ['numeric TLD', 'ada@example.123', /top-level domain/],
    ['IPv4 literal', 'ada@[192.168.0.1]', /IP addresses/],
    ['IPv6 literal', 'ada@[IPv6:2001:db8::1]', /IP addresses/],
    ['bare IPv4 domain', 'ada@192.168.0.1', /IP addresses/],
    ['unicode local part', 'jörg@example.com', /outside the basic Latin/],
    ['quoted local part', '"ada lovelace"@example.com', /space|Quoted/],
    ['quoted local part without space', '"ada"@example.com', /Quoted/],
    ['comma in local part', 'ada,lovelace@example.com', /","/],
    ['parenthesis (RFC 5322 comment)', 'ada(work)@example.com', /"\("/],
    ['underscore in domain', 'ada@my_company.com', /"_"/],
    ['hyphen at start of label', 'ada@-example.com', /hyphen/],
    ['hyphen at end of label', 'ada@example-.com', /hyphen/],
    ['domain label of 64 characters', `ada@${'x'.repeat(64)}.com`, /longer than 63/],
    ['display name pasted with it', 'Ada Lovelace <ada@example.com>', /space/],
    ['backslash', 'ada\\@example.com', /"\\"/],
    ['semicolon-separated list', 'ada@example.com;bob@example.com', /more than one @/],
  ];

  it.each(invalid)('refuses %s: %s', (_, address, reason) => {
    const verdict = validateEmailSync(address);
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toMatch(reason);
    expect(checkSyntax(normalizeEmail(address))).toEqual({ ok: false, reason: verdict.reason });
  });

  it('explains a missing dot in a short human sentence', () => {
    expect(checkSyntax('ada@example')).toEqual({ ok: false, reason: 'The part after @ has no dot.' });
  });

  it('refuses an un-normalized Unicode domain instead of guessing', () => {
    const result = checkSyntax('ada@bücher.de');
    expect(result.ok).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['  Ada@Example.COM  ', 'ada@example.com'],
    ['ADA.LOVELACE+News@GMAIL.com', 'ada.lovelace+news@gmail.com'],
    ['<ada@example.com>', 'ada@example.com'],
    ['"ada@example.com"', 'ada@example.com'],
    ["'ada@example.com'", 'ada@example.com'],
    ['"<ada@example.com>"', 'ada@example.com'],
    ['< ada@example.com >', 'ada@example.com'],
    ['\uFEFFada@example.com\r\n', 'ada@example.com'],
    ['ada@bücher.de', 'ada@xn--bcher-kva.de'],
    ['ada@BÜCHER.DE', 'ada@xn--bcher-kva.de'],
    ['иван@пример.рф', 'иван@xn--e1afmkfd.xn--p1ai'],
    ['ada@ｅｘａｍｐｌｅ。com', 'ada@example.com'],
  ])('normalizes %j to %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it('keeps Gmail dots and plus tags: they are distinct contacts elsewhere', () => {
    expect(normalizeEmail('a.d.a+x@gmail.com')).toBe('a.d.a+x@gmail.com');
  });

  it('does not let the URL parser swallow junk after an IDN domain', () => {
    expect(normalizeEmail('ada@bücher.de/x')).toBe('ada@bücher.de/x');
    expect(validateEmailSync('ada@bücher.de:25').valid).toBe(false);
  });

  it('leaves a half-quoted or quoted-local-part address alone', () => {
    expect(normalizeEmail('"ada"@example.com')).toBe('"ada"@example.com');
    expect(normalizeEmail('<ada@example.com')).toBe('<ada@example.com');
  });

  it('returns input without @ lower-cased so the syntax check can explain it', () => {
    expect(normalizeEmail(' Ada ')).toBe('ada');
  });
});

describe('disposable domains', () => {
  it.each(['mailinator.com', 'guerrillamail.com', 'yopmail.com', '10minutemail.com', 'sharklasers.com'])('flags %s', (d) => {
    expect(isDisposableDomain(d)).toBe(true);
  });

  it('flags subdomains of a disposable domain', () => {
    expect(isDisposableDomain('mail.mailinator.com')).toBe(true);
    expect(isDisposableDomain('a.b.yopmail.com')).toBe(true);
  });

  it('ignores case and a trailing dot', () => {
    expect(isDisposableDomain('Mailinator.COM.')).toBe(true);
  });

  it.each(['gmail.com', 'outlook.com', 'proton.me', 'example.com', 'com', 'mailinator.com.example.org', 'mailinatorfan.com'])(
    'does not flag %s',
    (d) => {
      expect(isDisposableDomain(d)).toBe(false);
    },
  );

  it('keeps disposable addresses valid but flagged', () => {
    const verdict = validateEmailSync('Someone@Mail.Mailinator.com');
    expect(verdict).toMatchObject({ valid: true, disposable: true, email: 'someone@mail.mailinator.com' });
  });
});

describe('role addresses', () => {
  it.each(['info', 'admin', 'support', 'sales', 'noreply', 'no-reply', 'postmaster', 'abuse', 'webmaster', 'hostmaster', 'contact', 'office', 'billing', 'marketing', 'team', 'hello', 'help', 'jobs', 'careers', 'hr', 'security', 'privacy', 'legal', 'root'])(
    'flags %s@',
    (local) => {
      expect(isRoleAddress(local)).toBe(true);
    },
  );

  it('ignores a +tag and case', () => {
    expect(isRoleAddress('info+newsletter')).toBe(true);
    expect(isRoleAddress('Support+EU')).toBe(true);
  });

  it.each(['ada', 'information', 'infos', 'salesforce-admin', 'ada+info', 'helpdesk.ada'])('does not flag %s@', (local) => {
    expect(isRoleAddress(local)).toBe(false);
  });

  it('keeps role addresses valid but flagged', () => {
    expect(validateEmailSync('Info+promo@Acme.io')).toMatchObject({ valid: true, role: true, disposable: false });
    expect(validateEmailSync('ada@acme.io').role).toBe(false);
  });
});

describe('typo suggestions', () => {
  it.each([
    ['ada@gmial.com', 'ada@gmail.com'],
    ['ada@gmai.com', 'ada@gmail.com'],
    ['ada@gnail.com', 'ada@gmail.com'],
    ['ada@gmail.co', 'ada@gmail.com'],
    ['ada@gmail.con', 'ada@gmail.com'],
    ['ada@gmail.cmo', 'ada@gmail.com'],
    ['ada@gmail.om', 'ada@gmail.com'],
    ['ada@gmial.con', 'ada@gmail.com'],
    ['ada@gmailcom', 'ada@gmail.com'],
    ['ada@hotmial.com', 'ada@hotmail.com'],
    ['ada@hotmal.co', 'ada@hotmail.com'],
    ['ada@yahooo.com', 'ada@yahoo.com'],
    ['ada@yaho.co.uk', 'ada@yahoo.co.uk'],
    ['ada@hotmail.co.uj', 'ada@hotmail.co.uk'],
    ['ada@outlok.com', 'ada@outlook.com'],
    ['ada@outlool.com', 'ada@outlook.com'],
    ['ada@icloud.co', 'ada@icloud.com'],
    ['ada@aol.con', 'ada@aol.com'],
    ['ada@comcast.ner', 'ada@comcast.net'],
    ['Ada@GMIAL.com', 'Ada@gmail.com'],
    ['ada@acme.con', 'ada@acme.com'],
    ['gmial.com', 'gmail.com'],
  ])('suggests a fix for %s → %s', (typo, fix) => {
    expect(suggestTypo(typo)).toBe(fix);
  });

  it.each([
    'gmail.com',
    'gmx.com',
    'gmx.de',
    'mail.com',
    'email.com',
    'ymail.com',
    'hotmail.de',
    'yahoo.co.jp',
    'me.com',
    'live.com',
    'example.com',
    'acme.io',
    'acme.co',
    'love.com',
    'aok.com',
    'soho.com',
    'company.om',
    'googlemail.com',
  ])('suggests nothing for the intended domain %s', (domain) => {
    expect(suggestTypo(`ada@${domain}`)).toBeNull();
  });

  it('puts the suggestion on the verdict without changing validity', () => {
    expect(validateEmailSync('ada@gmial.com')).toMatchObject({ valid: true, suggestion: 'ada@gmail.com' });
    expect(validateEmailSync('ada@gmail.com').suggestion).toBeNull();
  });

  it('still suggests when the typo also broke the syntax', () => {
    expect(validateEmailSync('ada@gmail.c0m')).toMatchObject({ valid: false, suggestion: 'ada@gmail.com' });
  });
});

describe('fake resolver', () => {
  const resolver = fakeResolver({ 'acme.test': ['mx1.acme.test', 'mx2.acme.test'], 'a-only.test': ['a-only.test'] });

  it('answers configured domains, case-insensitively', async () => {
    expect(await resolver.resolveMx('acme.test')).toEqual(['mx1.acme.test', 'mx2.acme.test']);
    expect(await resolver.resolveMx('ACME.test')).toEqual(['mx1.acme.test', 'mx2.acme.test']);
  });

  it('answers unknown domains with no hosts', async () => {
    expect(await resolver.resolveMx('unknown.test')).toEqual([]);
  });

  it('hands out copies so callers cannot change the table', async () => {
    (await resolver.resolveMx('acme.test')).pop();
    expect(await resolver.resolveMx('acme.test')).toHaveLength(2);
  });
});

describe('validateEmail', () => {
  const resolver = fakeResolver({ 'acme.test': ['mx.acme.test'] });

  it('returns the full verdict for a deliverable address', async () => {
    expect(await validateEmail('  Ada@ACME.test ', { resolver })).toEqual({
      email: 'ada@acme.test',
      valid: true,
      reason: null,
      disposable: false,
      role: false,
      suggestion: null,
      mx: true,
    });
  });

  it('refuses a domain without mail exchangers', async () => {
    expect(await validateEmail('ada@ghost.test', { resolver })).toMatchObject({
      valid: false,
      mx: false,
      reason: 'The domain ghost.test does not receive email.',
    });
  });

  it('leaves mx unknown and the address valid when the resolver fails', async () => {
    const failing: MxResolver = { resolveMx: () => Promise.reject(new Error('DoH down')) };
    expect(await validateEmail('ada@acme.test', { resolver: failing })).toMatchObject({ valid: true, mx: null, reason: null });
  });

  it('does not look up MX without a resolver', async () => {
    expect(await validateEmail('ada@ghost.test')).toMatchObject({ valid: true, mx: null });
  });

  it('does not look up MX for a syntactically invalid address', async () => {
    let calls = 0;
    const counting: MxResolver = {
      resolveMx: () => {
        calls++;
        return Promise.resolve(['mx']);
      },
    };
    expect(await validateEmail('ada@@acme.test', { resolver: counting })).toMatchObject({ valid: false, mx: null });
    expect(calls).toBe(0);
  });

  it('queries the punycode form of an IDN domain', async () => {
    const seen: string[] = [];
    const recording: MxResolver = {
      resolveMx: (d) => {
        seen.push(d);
        return Promise.resolve(['mx']);
      },
    };
    await validateEmail('ada@bücher.de', { resolver: recording });
    expect(seen).toEqual(['xn--bcher-kva.de']);
  });

  it('checks MX through the DoH resolver end to end', async () => {
    const fetcher: FetchLike = () => Promise.resolve(Response.json({ Status: 3 }));
    expect(await validateEmail('ada@acme.example', { resolver: dohResolver(fetcher) })).toMatchObject({ valid: false, mx: false });
  });
});

describe('bulk validation', () => {
  it(
    'validates 100,000 addresses synchronously',
    () => {
      const samples = [
        'user{i}@gmail.com',
        'User.{i}+tag@Example.COM',
        'info@company{i}.io',
        'x{i}@mailinator.com',
        'user{i}@gmial.com',
        'user{i}@company{i}.con',
        'bad..{i}@example.com',
        'user{i}example.com',
        'user{i}@bücher.de',
        'user {i}@example.com',
      ];
      let processed = 0;
      let valid = 0;
      let suggested = 0;
      for (let i = 0; i < 100_000; i++) {
        const verdict = validateEmailSync(samples[i % samples.length]!.replaceAll('{i}', String(i)));
        processed++;
        if (verdict.valid) valid++;
        if (verdict.suggestion) suggested++;
      }
      expect(processed).toBe(100_000);
      // 7 in 10 samples are valid (the .con one is valid syntax, merely suspicious); 2 in 10 get a suggestion.
      expect(valid).toBe(70_000);
      expect(suggested).toBe(20_000);
    },
    60_000,
  );
});
