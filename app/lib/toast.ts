export type ToastTone = 'success' | 'error' | 'info';

export interface Toast {
  /** Distinguishes two toasts with the same text, so both are shown. */
  id: string;
  tone: ToastTone;
  message: string;
}
