import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { MessageStatusBadge } from '~/components/molecules/MessageStatusBadge';
import { PageHeader } from '~/components/molecules/PageHeader';
import { SandboxedPreview } from '~/components/molecules/SandboxedPreview';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { userApi } from '~/lib/api.server';
import type { MessageDetail } from '~/lib/api-types';
import { formAction } from '~/lib/form-action.server';
import { formatBytes, formatDateTime } from '~/lib/format';
import { describeMessageEvent } from '~/lib/message-events';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import templatesCss from '~/styles/templates.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: templatesCss }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.message.subject || 'Message'} · Edgepost` }];

const messagePath = (id: string) => `/v1/messages/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const message = await userApi(args)
    .get<MessageDetail>(messagePath(args.params.id ?? ''))
    .catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw new Response('This message does not exist in this workspace.', { status: 404 });
      throw error;
    });
  return reply(args, { message });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (_form, intent) => {
    if (intent !== 'cancel') throw new Response(`Unknown intent ${intent}`, { status: 400 });
    await api.post(`${messagePath(args.params.id ?? '')}/cancel`);
    return { toast: 'Message cancelled: it will not be sent.' };
  });
}

export default function MessagePage() {
  const { message: m } = useLoaderData<typeof loader>();
  const canCancel = m.status === 'scheduled' && can(useMe(), 'send');
  const title = m.subject || '(no subject)';
  return (
    <>
      <PageHeader
        title={title}
        description={<MessageStatusBadge status={m.status} />}
        breadcrumb={[{ label: 'Transactional messages', to: '/messages' }]}
        actions={
          canCancel && (
            <ConfirmSubmit
              trigger={{ label: 'Cancel message', icon: 'x-circle', variant: 'danger', size: 'md' }}
              title="Cancel this scheduled message?"
              confirmLabel="Cancel message"
              fields={{ intent: 'cancel' }}
            >
              <p>
                It was to go out {m.scheduled_at ? formatDateTime(m.scheduled_at) : 'later'}. Once cancelled it is never sent and its attachments are deleted; to send it after all,
                your application sends it again.
              </p>
            </ConfirmSubmit>
          )
        }
      />
      <div className="detail-layout">
        <div className="stack">
          <section className="card settings-card" aria-labelledby="envelope-title">
            <h2 id="envelope-title" className="section__title">
              Envelope
            </h2>
            <dl className="facts" data-testid="message-envelope">
              <Fact label="From">{m.from ? (m.from.name ? `${m.from.name} <${m.from.email}>` : m.from.email) : 'The workspace’s platform address'}</Fact>
              <Fact label="To">{m.to.join(', ')}</Fact>
              {m.cc.length > 0 && <Fact label="Cc">{m.cc.join(', ')}</Fact>}
              {m.bcc.length > 0 && <Fact label="Bcc">{m.bcc.join(', ')}</Fact>}
              <Fact label="Subject">{title}</Fact>
              {m.template_id && (
                <Fact label="Template">
                  <Link to={`/templates/${encodeURIComponent(m.template_id)}`}>{m.template_id}</Link>
                </Fact>
              )}
              <Fact label="Accepted">{formatDateTime(m.created_at)}</Fact>
              {m.scheduled_at && <Fact label="Scheduled for">{formatDateTime(m.scheduled_at)}</Fact>}
              {m.sent_at && <Fact label="Sent">{formatDateTime(m.sent_at)}</Fact>}
              <Fact label="Tracking">{[m.track_opens && 'opens', m.track_clicks && 'clicks'].filter(Boolean).join(' and ') || 'off'}</Fact>
              {m.contact_id && (
                <Fact label="Contact">
                  <Link to={`/contacts/${encodeURIComponent(m.contact_id)}`}>View the recipient’s contact</Link>
                </Fact>
              )}
              {m.error && <Fact label="Error">{m.error}</Fact>}
            </dl>
          </section>
          <section className="card settings-card" aria-labelledby="body-title">
            <h2 id="body-title" className="section__title">
              Content
            </h2>
            {m.html ? (
              // The stage scrolls sideways on a phone (the email is 600 px wide): the keyboard reaches it too.
              <div className="preview-stage preview-stage--desktop" role="region" aria-label={`HTML part of ${title}`} tabIndex={0}>
                <SandboxedPreview html={m.html} title={`Content of ${title}`} />
              </div>
            ) : (
              <p className="text-muted">This message has no HTML part.</p>
            )}
            {m.text && (
              <details className="message-text">
                <summary>Plain-text part</summary>
                <pre className="message-text__pre" tabIndex={0} aria-label="Plain-text part">
                  {m.text}
                </pre>
              </details>
            )}
          </section>
        </div>
        <div className="detail-aside">
          <section className="card settings-card" aria-labelledby="events-title">
            <h2 id="events-title" className="section__title">
              Events
            </h2>
            <ol className="timeline" data-testid="message-events">
              {m.events.map((event, i) => (
                <li key={`${event.type}-${event.at}-${i}`} className="timeline__item">
                  <time className="timeline__time" dateTime={event.at}>
                    {formatDateTime(event.at)}
                  </time>
                  <span>{describeMessageEvent(event)}</span>
                </li>
              ))}
            </ol>
          </section>
          <section className="card settings-card" aria-labelledby="labels-title">
            <h2 id="labels-title" className="section__title">
              Tags and metadata
            </h2>
            {m.tags.length === 0 && Object.keys(m.metadata).length === 0 ? (
              <p className="text-muted">
                None: your application can send <code>tags</code> and <code>metadata</code> with each message to find it later.
              </p>
            ) : (
              <dl className="facts">
                {m.tags.length > 0 && (
                  <Fact label="Tags">
                    <span className="row">
                      {m.tags.map((t) => (
                        <code key={t}>{t}</code>
                      ))}
                    </span>
                  </Fact>
                )}
                {Object.entries(m.metadata).map(([key, value]) => (
                  <Fact key={key} label={key}>
                    {value}
                  </Fact>
                ))}
              </dl>
            )}
          </section>
          <section className="card settings-card" aria-labelledby="attachments-title">
            <h2 id="attachments-title" className="section__title">
              Attachments
            </h2>
            {m.attachments.length === 0 ? (
              <p className="text-muted">No attachments.</p>
            ) : (
              <ul className="plain-list" data-testid="message-attachments">
                {m.attachments.map((a, i) => (
                  <li key={`${a.filename}-${i}`} className="plain-list__item">
                    <span className="report-link">{a.filename}</span>
                    <span className="text-muted">
                      {a.content_type} · {formatBytes(a.size)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}
