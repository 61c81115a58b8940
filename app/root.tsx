import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, type ShouldRevalidateFunction } from '@remix-run/react';
import type { ReactNode } from 'react';
import { RouteError } from './components/organisms/RouteError';
import { ToastProvider } from './components/organisms/ToastProvider';
import { csrfToken } from './lib/csrf.server';
import { useNonce } from './lib/nonce';
import { reply } from './lib/respond.server';
import { takeToast } from './lib/toast.server';
import favicon from './styles/favicon.svg?url';
import stylesheet from './styles/app.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: favicon, type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const [token, toast] = await Promise.all([csrfToken(args), takeToast(args)]);
  return reply(args, { csrfToken: token, toast });
}

/** After every submission, even a failed one, so the toast it flashed is picked up at once. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  (formMethod !== undefined && formMethod.toUpperCase() !== 'GET') || defaultShouldRevalidate;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { toast } = useLoaderData<typeof loader>();
  return (
    <ToastProvider flash={toast}>
      <Outlet />
    </ToastProvider>
  );
}

export function ErrorBoundary() {
  return (
    <main className="error-page">
      <RouteError />
    </main>
  );
}
