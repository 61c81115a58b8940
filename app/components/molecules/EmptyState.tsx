import type { ReactNode } from 'react';
import { Icon, type IconName } from '../atoms/Icon';

/** What an empty list shows: what would be here, and the next step to get there. */
export function EmptyState({ icon, title, description, action, children }: {
  icon: IconName;
  title: string;
  description: ReactNode;
  action?: ReactNode;
  /** Block content below the description (a code sample), which a paragraph cannot hold. */
  children?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <span className="empty-state__icon">
        <Icon name={icon} size={24} />
      </span>
      <h2 className="empty-state__title">{title}</h2>
      <p className="empty-state__description">{description}</p>
      {children && <div className="empty-state__body">{children}</div>}
      {action && <div className="empty-state__action">{action}</div>}
    </div>
  );
}
