import { Form, type FetcherWithComponents, type FormProps } from '@remix-run/react';
import { CSRF_FIELD } from '~/lib/csrf';
import { useRootData } from '~/lib/root-data';

/** The session's CSRF token as a hidden field; every action rejects a POST without it. */
export function CsrfInput() {
  return <input type="hidden" name={CSRF_FIELD} value={useRootData().csrfToken} />;
}

/** Every mutating form in the dashboard: method POST and the CSRF token, optionally via a fetcher. */
export function PostForm({ fetcher, children, ...rest }: Omit<FormProps, 'method'> & { fetcher?: FetcherWithComponents<unknown> }) {
  const FormComponent = fetcher ? fetcher.Form : Form;
  return (
    <FormComponent method="post" {...rest}>
      <CsrfInput />
      {children}
    </FormComponent>
  );
}
