import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Toast as ToastData, ToastTone } from '~/lib/toast';
import { Toast } from '../molecules/Toast';

type Notify = (tone: ToastTone, message: string) => void;

const ToastContext = createContext<Notify>(() => {});

/** Errors stay longer: they usually need reading and acting on. */
const VISIBLE_MS: Record<ToastTone, number> = { success: 5_000, info: 6_000, error: 10_000 };
/** A toast with a button (Undo) leaves time to reach it by keyboard. */
const ACTION_VISIBLE_MS = 20_000;

/**
 * Holds the visible toasts. `flash` is the toast the server flashed after the last action;
 * client code adds its own with useToast().
 */
export function ToastProvider({ flash, children }: { flash: ToastData | null; children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastData[]>([]);
  const nextId = useRef(0);

  const dismiss = useCallback((id: string) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: ToastData) => {
      setToasts((all) => (all.some((t) => t.id === toast.id) ? all : [...all.slice(-2), toast]));
      setTimeout(() => dismiss(toast.id), toast.action ? ACTION_VISIBLE_MS : VISIBLE_MS[toast.tone]);
    },
    [dismiss],
  );
  const notify = useCallback<Notify>((tone, message) => show({ id: `local-${nextId.current++}`, tone, message }), [show]);

  useEffect(() => {
    if (flash) show(flash);
  }, [flash, show]);

  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {toasts.map((toast) => (
          <Toast key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}
