import { Icon, type IconName } from '../atoms/Icon';
import { IconButton } from '../atoms/Button';
import type { Toast as ToastData } from '~/lib/toast';

const ICONS: Record<ToastData['tone'], IconName> = { success: 'check', error: 'alert', info: 'info' };

export function Toast({ toast, onDismiss }: { toast: ToastData; onDismiss: () => void }) {
  return (
    <div className={`toast toast--${toast.tone}`}>
      <span className="toast__icon">
        <Icon name={ICONS[toast.tone]} />
      </span>
      <p className="toast__message">{toast.message}</p>
      <IconButton icon="close" label="Dismiss notification" onClick={onDismiss} />
    </div>
  );
}
