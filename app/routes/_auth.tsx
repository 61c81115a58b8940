import { Outlet } from '@remix-run/react';
import { Brand } from '~/components/atoms/Brand';

/** Signed-out pages: one centred card under the brand. */
export default function AuthLayout() {
  return (
    <div className="auth-layout">
      <header className="auth-layout__brand">
        <Brand />
      </header>
      <main className="auth-layout__main">
        <Outlet />
      </main>
    </div>
  );
}
