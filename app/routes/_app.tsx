import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Outlet, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { Brand } from '~/components/atoms/Brand';
import { HealthDot } from '~/components/atoms/HealthDot';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { Nav, type NavItem } from '~/components/organisms/Nav';
import { RouteError } from '~/components/organisms/RouteError';
import { VerifyEmailBanner } from '~/components/organisms/VerifyEmailBanner';
import { userApi } from '~/lib/api.server';
import type { Me } from '~/lib/api-types';
import { apiHealth } from '~/lib/health.server';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

/** Every signed-in page sits below this layout; its loader is where an expired session ends. */
export async function loader(args: LoaderFunctionArgs) {
  const [me, health] = await Promise.all([userApi(args).get<Me>('/v1/me'), apiHealth(args)]);
  return reply(args, { me, health });
}

export default function AppLayout() {
  const { me, health } = useLoaderData<typeof loader>();
  const items: NavItem[] = [
    { to: '/', label: 'Overview', icon: 'home' },
    { to: '/members', label: 'Members', icon: 'users' },
    { to: '/api-keys', label: 'API keys', icon: 'key' },
    ...(can(me, 'audit:read') ? [{ to: '/audit-log', label: 'Audit log', icon: 'list' } as const] : []),
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
        footer={
          <>
            <div className="nav__account">
              <p className="nav__tenant">
                {me.tenant.name} <Badge tone="primary">{me.role}</Badge>
              </p>
              <p className="nav__email">{me.user.email}</p>
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
