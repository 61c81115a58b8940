import { Link, useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef, useState } from 'react';
import type { ActionResult } from '~/lib/action-result';
import type { AppNotification } from '~/lib/api-types';
import { CSRF_FIELD } from '~/lib/csrf';
import { formatDateTime } from '~/lib/format';
import { useRootData } from '~/lib/root-data';
import { Button } from '../atoms/Button';
import { Icon } from '../atoms/Icon';
import { EmptyState } from '../molecules/EmptyState';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

interface NotificationBellProps {
  notifications: AppNotification[];
  unread: number;
}

/**
 * The bell in the navigation bar: the unread count on the button, the latest notifications in a
 * panel below it. Escape or a click outside closes the panel and focus returns to the bell.
 * Marking read posts to /notifications; the layout's loader then brings the new count.
 */
export function NotificationBell({ notifications, unread }: NotificationBellProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const titleId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const readAll = useFetcher<ActionResult>();

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('pointerdown', onPointerDown);
    };
  }, [open]);

  const label = `Notifications, ${unread} unread`;
  return (
    <div className="bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn--ghost btn--icon bell__button"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
      >
        <Icon name="bell" />
        {unread > 0 && (
          <span className="bell__badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <div
        ref={panelRef}
        id={panelId}
        className="bell__panel"
        role="dialog"
        aria-labelledby={titleId}
        tabIndex={-1}
        hidden={!open}
      >
        <div className="bell__header">
          <h2 id={titleId} className="bell__title">
            Notifications
          </h2>
          {unread > 0 && (
            <PostForm fetcher={readAll} action="/notifications" preventScrollReset>
              <SubmitButton intent="read-all" variant="ghost" size="sm" busy={readAll.state !== 'idle'}>
                Mark all as read
              </SubmitButton>
            </PostForm>
          )}
        </div>
        {notifications.length === 0 ? (
          <EmptyState icon="bell" title="No notifications" description="News about your campaigns, sending domains and account shows up here." />
        ) : (
          <ul className="bell__list">
            {notifications.map((n) => (
              <NotificationItem key={n.id} notification={n} onFollow={() => setOpen(false)} />
            ))}
          </ul>
        )}
        <div className="bell__footer">
          <Link to="/account#notifications" onClick={() => setOpen(false)}>
            Notification settings
          </Link>
          <Button size="sm" variant="ghost" onClick={() => { setOpen(false); buttonRef.current?.focus(); }}>
            Close
          </Button>
        </div>
      </div>
    </div>
  );
}

function NotificationItem({ notification: n, onFollow }: { notification: AppNotification; onFollow: () => void }) {
  const markRead = useFetcher<ActionResult>();
  const { csrfToken } = useRootData();
  const read = n.read || markRead.state !== 'idle';
  // Only links inside the dashboard; anything else in a notification is shown as text.
  const internal = n.link && n.link.startsWith('/') && !n.link.startsWith('//') ? n.link : null;
  return (
    <li className={read ? 'bell__item' : 'bell__item bell__item--unread'}>
      <span className="bell__dot" aria-hidden="true" />
      <div className="bell__text">
        <p className="bell__item-title">
          {internal ? (
            <Link
              to={internal}
              onClick={() => {
                if (!n.read) markRead.submit({ intent: 'read', id: n.id, [CSRF_FIELD]: csrfToken }, { method: 'post', action: '/notifications' });
                onFollow();
              }}
            >
              {n.title}
            </Link>
          ) : (
            n.title
          )}
          {!read && <span className="visually-hidden"> (unread)</span>}
        </p>
        <p className="bell__item-body">{n.body}</p>
        <p className="bell__item-time">{formatDateTime(n.created_at)}</p>
      </div>
      {!read && (
        <PostForm fetcher={markRead} action="/notifications" preventScrollReset>
          <input type="hidden" name="id" value={n.id} />
          <button type="submit" name="intent" value="read" className="btn btn--ghost btn--icon" aria-label={`Mark “${n.title}” as read`} title="Mark as read">
            <Icon name="check" />
          </button>
        </PostForm>
      )}
    </li>
  );
}
