import { describe, expect, test } from 'vitest';
import type { DomainList, SendingDomain } from './api-types';
import { domainVerdict, formatRate, levelVerdict, warmupRows, warmupText } from './sender-health';

const domain = (name: string, status: SendingDomain['status']): SendingDomain => ({
  id: `dom_${name}`, domain: name, status, records: [], dkim_keys: [], verified_at: null, last_checked_at: null, failing_since: null, created_at: '2026-01-01T00:00:00Z',
});
const list = (data: SendingDomain[], allowed = true): DomainList => ({
  data, custom_domains_allowed: allowed, max_domains: 5,
  platform: { domain: 'mail.edgepost.test', from_email: 'acme@mail.edgepost.test', dkim_selector: 'ep1', dkim_record_name: '', dkim_record_value: '' },
});

describe('sender health wording', () => {
  test('rates keep the precision their size needs', () => {
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(0.0004)).toBe('0.04 %');
    expect(formatRate(0.0123)).toBe('1.2 %');
    expect(formatRate(0.5)).toBe('50 %');
  });

  test('every level has words, not just a colour', () => {
    expect(levelVerdict('ok')).toEqual({ tone: 'good', label: 'Healthy' });
    expect(levelVerdict('warning')).toEqual({ tone: 'warning', label: 'Watch it' });
    expect(levelVerdict('critical')).toEqual({ tone: 'bad', label: 'Too high' });
  });

  test('the warm-up says the day, today’s rate and the next step', () => {
    const text = warmupText({
      rate_per_hour: 50,
      warmup: { stage: 'days_1_3', day: 2, days_left: 6, started_at: '2026-03-01T10:00:00Z', next_step_at: '2026-03-04T10:00:00Z', next_rate_per_hour: 200 },
    });
    expect(text).toEqual({ tone: 'warning', text: 'Day 2 of 7: 50/h now. Then 200/h from 4 Mar 2026.' });
    // The free plan sends at 50/h: the warm-up has no step up to announce.
    expect(
      warmupText({ rate_per_hour: 50, warmup: { stage: 'days_1_3', day: 1, days_left: 7, started_at: null, next_step_at: '2026-03-04T10:00:00Z', next_rate_per_hour: 50 } }).text,
    ).toBe('Day 1 of 7: 50/h now.');
    expect(warmupText({ rate_per_hour: 5000, warmup: { stage: 'complete', day: null, days_left: 0, started_at: null, next_step_at: null, next_rate_per_hour: null } }).text).toBe(
      'Complete: sending at the plan’s 5,000/h.',
    );
  });

  test('a failing domain outweighs a verified one; without any, the platform address is named', () => {
    expect(domainVerdict(list([domain('a.test', 'verified'), domain('b.test', 'failing')]))).toEqual({ tone: 'bad', text: 'b.test: DNS records missing' });
    expect(domainVerdict(list([domain('a.test', 'verified')]))).toEqual({ tone: 'good', text: 'a.test verified' });
    expect(domainVerdict(list([], false))).toEqual({ tone: 'neutral', text: 'Sending as acme@mail.edgepost.test' });
  });
});

describe('the warm-up table', () => {
  const warmup = (stage: 'not_started' | 'days_1_3' | 'days_4_7' | 'complete') => ({ stage, day: null, days_left: 0, started_at: null, next_step_at: null, next_rate_per_hour: null });

  test('marks the current step; before the first send none is current', () => {
    expect(warmupRows({ warmup: warmup('days_4_7'), plan_rate_per_hour: 5000 }).map((r) => r.current)).toEqual([false, true, false]);
    expect(warmupRows({ warmup: warmup('not_started'), plan_rate_per_hour: 5000 }).some((r) => r.current)).toBe(false);
  });

  test('no step is faster than the plan allows', () => {
    expect(warmupRows({ warmup: warmup('complete'), plan_rate_per_hour: 100 }).map((r) => r.ratePerHour)).toEqual([50, 100, 100]);
  });
});
