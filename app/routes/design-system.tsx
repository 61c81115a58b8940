import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useState, type ReactNode } from 'react';
import { Badge } from '~/components/atoms/Badge';
import { Brand } from '~/components/atoms/Brand';
import { Button, IconButton } from '~/components/atoms/Button';
import { Checkbox } from '~/components/atoms/Checkbox';
import { HealthDot } from '~/components/atoms/HealthDot';
import { Select } from '~/components/atoms/Select';
import { Spinner } from '~/components/atoms/Spinner';
import { BarChart } from '~/components/molecules/BarChart';
import { ContactStatusBadge } from '~/components/molecules/ContactStatusBadge';
import { CopyButton } from '~/components/molecules/CopyButton';
import { CopyableCode } from '~/components/molecules/CopyableCode';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FileDrop } from '~/components/molecules/FileDrop';
import { FormAlert } from '~/components/molecules/FormAlert';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { StatCard } from '~/components/molecules/StatCard';
import { ConfirmDialog } from '~/components/organisms/ConfirmDialog';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { Modal } from '~/components/organisms/Modal';
import { Nav } from '~/components/organisms/Nav';
import { useToast } from '~/components/organisms/ToastProvider';
import { CONTACT_STATUSES } from '~/lib/api-types';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

export const meta: MetaFunction = () => [{ title: 'Design system · Edgepost' }];

// The chart's styles.
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

/** A week of sending for the chart specimen. */
const SAMPLE_DAYS = [120, 340, 90, 0, 410, 380, 220].map((sent, i) => ({ day: `Nov ${i + 3}`, sent, opens: Math.round(sent * 0.42), clicks: Math.round(sent * 0.08) }));

/** Public on purpose: a living style guide needs no account, and the page calls no API. */
export async function loader(args: LoaderFunctionArgs) {
  return reply(args, null);
}

interface Sample {
  id: string;
  name: string;
  email: string;
  plan: 'free' | 'pro';
  sent: number;
}

const SAMPLES: Sample[] = Array.from({ length: 14 }, (_, i) => ({
  id: `s${i}`,
  name: ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'][i % 7] + (i >= 7 ? ' II' : ''),
  email: `person${i}@example.test`,
  plan: i % 3 === 0 ? 'pro' : 'free',
  sent: (i * 7919) % 5000,
}));

const SAMPLE_COLUMNS: Column<Sample>[] = [
  { id: 'name', header: 'Name', sortValue: (s) => s.name, cell: (s) => s.name },
  { id: 'email', header: 'Email', sortValue: (s) => s.email, cell: (s) => s.email },
  { id: 'plan', header: 'Plan', sortValue: (s) => s.plan, cell: (s) => <Badge tone={s.plan === 'pro' ? 'primary' : 'neutral'}>{s.plan}</Badge> },
  { id: 'sent', header: 'Sent', numeric: true, sortValue: (s) => s.sent, cell: (s) => s.sent.toLocaleString('en') },
];

export default function DesignSystem() {
  const notify = useToast();
  const [modalOpen, setModalOpen] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [typedOpen, setTypedOpen] = useState(false);
  const [sampleFile, setSampleFile] = useState<File | null>(null);

  return (
    <main id="main" className="design-system">
      <PageHeader
        title="Design system"
        description="Every building block of the dashboard in one place, in the current colour scheme."
        breadcrumb={[{ label: 'Dashboard', to: '/' }]}
      />

      <Specimen title="Buttons">
        <div className="row">
          <Button variant="primary">Primary</Button>
          <Button>Secondary</Button>
          <Button variant="ghost">Ghost</Button>
          <Button variant="danger" icon="trash">
            Danger
          </Button>
          <Button variant="primary" loading>
            Saving
          </Button>
          <Button size="sm" icon="plus">
            Small
          </Button>
          <Button disabled>Disabled</Button>
          <IconButton icon="copy" label="Copy (icon-only button)" />
        </div>
      </Specimen>

      <Specimen title="Form controls">
        <div className="grid-2">
          <TextField label="Workspace name" placeholder="Acme Inc." hint="Shown to your team and in invitations." />
          <TextField label="Email" type="email" defaultValue="not-an-email" error="Enter an email address like name@example.com." />
          <FormField label="Role">
            {(control) => <Select options={[{ value: 'editor', label: 'Editor' }, { value: 'viewer', label: 'Viewer' }]} {...control} />}
          </FormField>
          <fieldset className="fieldset">
            <legend className="field__label">Scopes</legend>
            <Checkbox label="contacts:read" defaultChecked />
            <Checkbox label="contacts:write" />
          </fieldset>
        </div>
        <FormAlert message="A form-level error, announced to screen readers when it appears." />
      </Specimen>

      <Specimen title="Badges, health and spinners">
        <div className="row">
          <Badge>neutral</Badge>
          <Badge tone="primary">owner</Badge>
          <Badge tone="success">active</Badge>
          <Badge tone="warning">expired</Badge>
          <Badge tone="danger">suspended</Badge>
          <Badge tone="info">member.invited</Badge>
        </div>
        <div className="row">
          <HealthDot status="up" label="API" />
          <HealthDot status="degraded" label="Queue" />
          <HealthDot status="down" label="SMTP" />
          <HealthDot status="unknown" label="Webhooks" />
        </div>
        <div className="row">
          <Spinner size="sm" label="Loading" />
          <Spinner label="Loading" />
          <Spinner size="lg" label="Loading" />
        </div>
      </Specimen>

      <Specimen title="Stat cards">
        <div className="stat-grid">
          <StatCard label="Emails sent" value={12840} previous={10210} periodLabel="previous 30 days" />
          <StatCard label="Bounce rate (‰)" value={21} previous={14} periodLabel="previous 30 days" lowerIsBetter />
          <StatCard label="Unsubscribes" value={35} previous={35} periodLabel="previous 30 days" />
          <StatCard label="Complaints" value={null} />
        </div>
      </Specimen>

      <Specimen title="Bar chart">
        <BarChart
          caption="Sending over time"
          points={SAMPLE_DAYS}
          series={[
            { label: 'Sent', value: (d) => d.sent },
            { label: 'Opens', value: (d) => d.opens },
            { label: 'Clicks', value: (d) => d.clicks },
          ]}
          pointKey={(d) => d.day}
          pointLabel={(d) => d.day}
          pointHeader="Day"
          empty="Nothing sent yet."
        />
      </Specimen>

      <Specimen title="Toasts, modal and confirmation">
        <div className="row">
          <Button onClick={() => notify('success', 'Invitation sent to ada@example.test.')}>Success toast</Button>
          <Button onClick={() => notify('error', 'That email address is already a member.')}>Error toast</Button>
          <Button onClick={() => notify('info', 'Your session has expired. Please sign in again.')}>Info toast</Button>
          <Button onClick={() => setModalOpen(true)}>Open modal</Button>
          <Button variant="danger" onClick={() => setConfirmOpen(true)}>
            Delete something
          </Button>
          <CopyButton value="ep_live_example_secret" label="Copy example secret" />
        </div>
        <Modal
          open={modalOpen}
          onClose={() => setModalOpen(false)}
          title="A modal dialog"
          description="Tab stays inside; Escape or the close button closes it and focus returns to the button that opened it."
          footer={
            <Button variant="primary" onClick={() => setModalOpen(false)}>
              Done
            </Button>
          }
        >
          <div className="modal__body">
            <TextField label="Something to type" />
          </div>
        </Modal>
        <ConfirmDialog
          open={confirmOpen}
          title="Delete this campaign?"
          confirmLabel="Delete campaign"
          onCancel={() => setConfirmOpen(false)}
          onConfirm={() => {
            setConfirmOpen(false);
            notify('success', 'Campaign deleted (not really: this is the design system).');
          }}
        >
          <p>It disappears from reports too. This cannot be undone.</p>
        </ConfirmDialog>
      </Specimen>

      <Specimen title="Audience pieces">
        <div className="row">
          {CONTACT_STATUSES.map((status) => (
            <ContactStatusBadge key={status} status={status} />
          ))}
        </div>
        <FileDrop label="Choose a CSV or Excel file" accept=".csv,.xlsx" hint="Drop a file here or choose one." file={sampleFile} onFile={setSampleFile} />
        <CopyableCode value={'<form action="https://api.example.test/v1/public/forms/frm_1/subscribe" method="post">\n  <label>Email <input type="email" name="email" required></label>\n</form>'} copyLabel="Copy the snippet" multiline label="Example snippet" />
        <div className="job-progress card">
          <p className="job-progress__title" id="sample-progress">
            Importing contacts.csv
          </p>
          <progress className="progress job-progress__bar" max={100} value={62} aria-labelledby="sample-progress" aria-valuetext="620 of 1,000 rows" />
          <p className="text-muted job-progress__count">620 of 1,000 rows · 62 %</p>
        </div>
        <div className="row">
          <Button variant="danger" onClick={() => setTypedOpen(true)}>
            Anonymize (typed confirmation)
          </Button>
        </div>
        <ConfirmDialog
          open={typedOpen}
          title="Anonymize ada@example.test?"
          confirmLabel="Anonymize for good"
          typedConfirmation="anonymize"
          onCancel={() => setTypedOpen(false)}
          onConfirm={() => {
            setTypedOpen(false);
            notify('success', 'Anonymized (not really: this is the design system).');
          }}
        >
          <p>The confirm button stays disabled until the word is typed.</p>
        </ConfirmDialog>
      </Specimen>

      <Specimen title="Empty state">
        <EmptyState icon="users" title="No contacts yet" description="Import a CSV or add your first contact by hand." action={<Button variant="primary" icon="plus">Add contact</Button>} />
      </Specimen>

      <Specimen title="Data table">
        <DataTable
          label="Sample people"
          rows={SAMPLES}
          columns={SAMPLE_COLUMNS}
          rowId={(s) => s.id}
          rowLabel={(s) => s.name}
          searchText={(s) => `${s.name} ${s.email}`}
          filter={{
            label: 'Filter by plan',
            options: [
              { value: '', label: 'All plans' },
              { value: 'free', label: 'Free' },
              { value: 'pro', label: 'Pro' },
            ],
            matches: (s, plan) => s.plan === plan,
          }}
          bulkActions={(selected) => (
            <Button size="sm" variant="danger" onClick={() => notify('info', `${selected.length} rows would be archived.`)}>
              Archive selected
            </Button>
          )}
          pageSize={5}
          empty={<EmptyState icon="users" title="Nobody here" description="Add someone to see them listed." />}
        />
      </Specimen>

      <Specimen title="Navigation">
        <div className="nav-preview">
          <Nav
            brand={<Brand />}
            items={[
              { to: '/', label: 'Overview', icon: 'home' },
              { to: '/members', label: 'Members', icon: 'users' },
              { to: '/design-system', label: 'Design system', icon: 'palette' },
            ]}
          />
        </div>
      </Specimen>
    </main>
  );
}

function Specimen({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card specimen" aria-label={title}>
      <h2 className="section__title">{title}</h2>
      {children}
    </section>
  );
}
