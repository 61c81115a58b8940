import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Link, Outlet, useLoaderData } from '@remix-run/react';
import { Brand } from '~/components/atoms/Brand';
import { HealthDot } from '~/components/atoms/HealthDot';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { Nav, type NavEntry } from '~/components/organisms/Nav';
import { NotificationBell } from '~/components/organisms/NotificationBell';
import { RouteError } from '~/components/organisms/RouteError';
import { VerifyEmailBanner } from '~/components/organisms/VerifyEmailBanner';
import { WorkspaceSwitcher } from '~/components/organisms/WorkspaceSwitcher';
import { userApi } from '~/lib/api.server';
import type { Me, NotificationList } from '~/lib/api-types';
import { apiHealth } from '~/lib/health.server';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { redirectWith, reply } from '~/lib/respond.server';

/** Every signed-in page sits below this layout; its loader is where an expired session ends. */
export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [me, health, notifications] = await Promise.all([
    api.get<Me>('/v1/me'),
    apiHealth(args),
    api.get<NotificationList>('/v1/notifications', { limit: 20 }).catch((error: unknown) => {
      if (error instanceof ApiProblem) return error;
      throw error;
    }),
  ]);
  // A workspace that requires two-factor authentication lets its members do nothing else until they enrol.
  const mfaRequired = notifications instanceof ApiProblem && notifications.code === 'mfa-required';
  if (mfaRequired && new URL(args.request.url).pathname.replace(/\.data$/, '') !== '/account') return redirectWith(args, '/account');
  const bell = notifications instanceof ApiProblem ? null : { items: notifications.data, unread: notifications.unread_count };
  return reply(args, { me, health, bell, mfaRequired });
}

export default function AppLayout() {
  const { me, health, bell } = useLoaderData<typeof loader>();
  const items: NavEntry[] = [
    { to: '/', label: 'Overview', icon: 'home' },
    ...(can(me, 'contacts:read')
      ? [
          {
            group: 'Audience',
            items: [
              { to: '/contacts', label: 'Contacts', icon: 'book' },
              { to: '/lists', label: 'Lists', icon: 'list' },
              { to: '/segments', label: 'Segments', icon: 'layers' },
              { to: '/forms', label: 'Forms', icon: 'form' },
              { to: '/suppressions', label: 'Suppressions', icon: 'ban' },
            ],
          } satisfies NavEntry,
        ]
      : []),
    {
      group: 'Email',
      items: [
        ...(can(me, 'campaigns:read')
          ? [{ to: '/campaigns', label: 'Campaigns', icon: 'send' } as const, { to: '/messages', label: 'Transactional', icon: 'zap' } as const]
          : []),
        ...(can(me, 'templates:read') ? [{ to: '/templates', label: 'Templates', icon: 'mail' } as const] : []),
        { to: '/domains', label: 'Domains', icon: 'shield' },
        { to: '/transports', label: 'Transports', icon: 'server' },
      ],
    },
    {
      group: 'Workspace',
      items: [
        { to: '/members', label: 'Members', icon: 'users' },
        { to: '/api-keys', label: 'API keys', icon: 'key' },
        ...(can(me, 'webhooks:write') ? [{ to: '/webhooks', label: 'Webhooks', icon: 'swap' } as const] : []),
        ...(can(me, 'audit:read') ? [{ to: '/audit-log', label: 'Audit log', icon: 'clock' } as const] : []),
        { to: '/settings', label: 'Settings', icon: 'settings' },
        { to: '/settings/plan', label: 'Plan and usage', icon: 'activity' },
      ],
    },
    ...(me.super_admin
      ? [
          {
            group: 'Platform',
            items: [
              { to: '/admin', label: 'Platform overview', icon: 'power' },
              { to: '/admin/tenants', label: 'Tenants', icon: 'users' },
              { to: '/admin/dead-letters', label: 'Dead letters', icon: 'alert' },
            ],
          } satisfies NavEntry,
        ]
      : []),
    { to: '/account', label: 'Your account', icon: 'user' },
    { to: '/design-system', label: 'Design system', icon: 'palette' },
  ];
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Nav
        items={items}
        brand={<Brand />}
        barActions={bell && <NotificationBell notifications={bell.items} unread={bell.unread} />}
        footer={
          <>
            <div className="nav__account">
              <WorkspaceSwitcher current={{ id: me.tenant.id, name: me.tenant.name }} role={me.role} workspaces={me.workspaces} />
              <Link to="/account" className="nav__email">
                {me.user.email}
              </Link>
              <HealthDot status={health} label="API" />
            </div>
            <PostForm action="/logout">
              <SubmitButton intent="logout" variant="ghost" icon="logout" className="btn--block">
                Sign out
              </SubmitButton>
            </PostForm>
          </>
        }
      />
      <main id="main" className="app-shell__main" tabIndex={-1}>
        {!me.user.email_verified && <VerifyEmailBanner email={me.user.email} />}
        <Outlet />
      </main>
    </div>
  );
}

/** Only when /v1/me itself fails (API down): pages below have their own boundary, inside this layout. */
export function ErrorBoundary() {
  return (
    <main className="error-page">
      <RouteError />
    </main>
  );
}
