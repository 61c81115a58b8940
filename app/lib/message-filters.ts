import { MESSAGE_STATUSES, type MessageStatus } from './api-types';
import { dayEnd, dayParam, dayStart, listHref } from './list-url';

/** The transactional messages page's filters as they sit in its URL; dates are whole UTC days, as date inputs give them. */
export interface MessageFilters {
  status: MessageStatus | '';
  to: string;
  tag: string;
  since: string;
  until: string;
  cursor: string;
}

/** The filters from the page's URL; an unknown status or a malformed day is dropped. */
export function messageFiltersOf(url: URL): MessageFilters {
  const param = (name: string) => (url.searchParams.get(name) ?? '').trim();
  const status = param('status');
  return {
    status: (MESSAGE_STATUSES as readonly string[]).includes(status) ? (status as MessageStatus) : '',
    to: param('to').slice(0, 254),
    tag: param('tag').slice(0, 64),
    since: dayParam(url, 'since'),
    until: dayParam(url, 'until'),
    cursor: param('cursor'),
  };
}

/** `GET /v1/messages`'s query: the days become instants, the until-day included whole. */
export function messageQuery(f: MessageFilters, limit: number) {
  return {
    limit,
    cursor: f.cursor,
    status: f.status,
    to: f.to,
    tag: f.tag,
    since: dayStart(f.since),
    until: dayEnd(f.until),
  };
}

/** The page with some filters changed; a changed filter starts again at the newest messages. */
export function messagesHref(f: MessageFilters, change: Partial<MessageFilters>): string {
  const { status, to, tag, since, until, cursor } = { ...f, cursor: '', ...change };
  return listHref('/messages', { status, to, tag, since, until, cursor });
}

export const isFiltered = (f: MessageFilters) => Boolean(f.status || f.to || f.tag || f.since || f.until);
