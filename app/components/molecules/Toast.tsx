import { Icon, type IconName } from '../atoms/Icon';
import { IconButton } from '../atoms/Button';
import type { Toast as ToastData } from '~/lib/toast';
import { HiddenFields } from './HiddenFields';
import { PostForm } from './PostForm';
import { SubmitButton } from './SubmitButton';

const ICONS: Record<ToastData['tone'], IconName> = { success: 'check', error: 'alert', info: 'info' };

export function Toast({ toast, onDismiss }: { toast: ToastData; onDismiss: () => void }) {
  const { action } = toast;
  return (
    <div className={`toast toast--${toast.tone}`}>
      <span className="toast__icon">
        <Icon name={ICONS[toast.tone]} />
      </span>
      <p className="toast__message">{toast.message}</p>
      {action && (
        <PostForm action={action.to} onSubmit={onDismiss}>
          <HiddenFields fields={action.fields ?? {}} />
          <SubmitButton intent={action.intent} variant="ghost" size="sm">
            {action.label}
          </SubmitButton>
        </PostForm>
      )}
      <IconButton icon="close" label="Dismiss notification" onClick={onDismiss} />
    </div>
  );
}
