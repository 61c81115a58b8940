import { Link } from '@remix-run/react';
import { ContactStatusBadge } from '~/components/molecules/ContactStatusBadge';
import type { Contact } from '~/lib/api-types';
import { contactName } from '~/lib/contacts';
import type { Column } from './DataTable';

/** The columns every table of contacts starts with: who (linking to the contact) and their status. */
export const contactIdentityColumns: Column<Contact>[] = [
  {
    id: 'email',
    header: 'Contact',
    cell: (c) => (
      <div className="cell-person">
        <Link to={`/contacts/${encodeURIComponent(c.id)}`}>
          <strong>{c.email}</strong>
        </Link>
        {contactName(c) !== c.email && <span className="text-muted">{contactName(c)}</span>}
      </div>
    ),
  },
  { id: 'status', header: 'Status', cell: (c) => <ContactStatusBadge status={c.status} /> },
];
