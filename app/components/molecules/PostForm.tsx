import { Form, type FetcherWithComponents, type FormProps } from '@remix-run/react';
import { forwardRef } from 'react';
import { CSRF_FIELD } from '~/lib/csrf';
import { useRootData } from '~/lib/root-data';

/** The session's CSRF token as a hidden field; every action rejects a POST without it. */
export function CsrfInput() {
  return <input type="hidden" name={CSRF_FIELD} value={useRootData().csrfToken} />;
}

type PostFormProps = Omit<FormProps, 'method'> & { fetcher?: FetcherWithComponents<unknown> };

/** Every mutating form in the dashboard: method POST and the CSRF token, optionally via a fetcher. */
export const PostForm = forwardRef<HTMLFormElement, PostFormProps>(function PostForm({ fetcher, children, ...rest }, ref) {
  const FormComponent = fetcher ? fetcher.Form : Form;
  return (
    <FormComponent ref={ref} method="post" {...rest}>
      <CsrfInput />
      {children}
    </FormComponent>
  );
});
