import type { ReactNode } from 'react';

/** The card every signed-out page (sign in, sign up, reset, verify, invitation) is built on. */
export function AuthCard({ title, description, children, footer }: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <section className="auth-card" aria-labelledby="auth-title">
      <h1 id="auth-title" className="auth-card__title">
        {title}
      </h1>
      {description && <p className="auth-card__description">{description}</p>}
      {children}
      {footer && <div className="auth-card__footer">{footer}</div>}
    </section>
  );
}
