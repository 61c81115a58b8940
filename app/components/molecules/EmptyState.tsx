import type { ReactNode } from 'react';
import { Icon, type IconName } from '../atoms/Icon';

/** What an empty list shows: what would be here, and the next step to get there. */
export function EmptyState({ icon, title, description, action }: {
  icon: IconName;
  title: string;
  description: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <span className="empty-state__icon">
        <Icon name={icon} size={24} />
      </span>
      <h2 className="empty-state__title">{title}</h2>
      <p className="empty-state__description">{description}</p>
      {action && <div className="empty-state__action">{action}</div>}
    </div>
  );
}
