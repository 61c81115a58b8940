import { useLocation } from '@remix-run/react';
import { Icon } from '../atoms/Icon';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

export function VerifyEmailBanner({ email }: { email: string }) {
  const { pathname, search } = useLocation();
  return (
    <div className="banner" role="note">
      <Icon name="mail" />
      <p>
        Confirm <strong>{email}</strong> with the link we emailed you.
      </p>
      <PostForm action="/resend-verification" preventScrollReset>
        <input type="hidden" name="redirectTo" value={pathname + search} />
        <SubmitButton intent="resend-verification" variant="secondary" size="sm">
          Send a new link
        </SubmitButton>
      </PostForm>
    </div>
  );
}
