import type { ApiClient } from './api.server';
import type { Contact, ContactList, CustomField, Page, Segment, Tag } from './api-types';

/**
 * The choices audience screens offer (lists, tags, custom fields, segments), each read in one
 * call: the API pages at 100, more than any select can usefully show.
 */
const PICKER_LIMIT = 100;

export const audience = {
  lists: (api: ApiClient) => api.get<Page<ContactList>>('/v1/lists', { limit: PICKER_LIMIT }).then((page) => page.data),
  tags: (api: ApiClient) => api.get<Page<Tag>>('/v1/tags', { limit: PICKER_LIMIT }).then((page) => page.data),
  fields: (api: ApiClient) => api.get<Page<CustomField>>('/v1/fields').then((page) => page.data),
  segments: (api: ApiClient) => api.get<Page<Segment>>('/v1/segments', { limit: PICKER_LIMIT }).then((page) => page.data),
};

/** The API's longest search text; a longer address cannot be looked up by search. */
const MAX_QUERY = 200;

/**
 * The lists a contact is subscribed to. The contact view does not carry its memberships, so each
 * list is asked whether the contact is among its subscribers (an exact-address search): one call
 * per list, fine for the handful of lists a workspace keeps.
 */
export async function subscribedLists(api: ApiClient, contact: Pick<Contact, 'id' | 'email'>, lists: ContactList[]): Promise<ContactList[]> {
  if (contact.email.length > MAX_QUERY) return [];
  const found = await Promise.all(
    lists.map(async (list) => {
      const page = await api.get<Page<Contact>>('/v1/contacts', { list: list.id, q: contact.email, limit: 100 });
      return page.data.some((c) => c.id === contact.id) ? list : null;
    }),
  );
  return found.filter((list): list is ContactList => list !== null);
}
