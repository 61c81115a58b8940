export type ToastTone = 'success' | 'error' | 'info';

/** A button in the toast that posts `intent` and `fields` (with the CSRF token) to the action of the route at `to`: "Undo". */
export interface ToastAction {
  label: string;
  to: string;
  intent: string;
  fields?: Record<string, string>;
}

export interface Toast {
  /** Distinguishes two toasts with the same text, so both are shown. */
  id: string;
  tone: ToastTone;
  message: string;
  action?: ToastAction;
}
