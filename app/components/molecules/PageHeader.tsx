import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { Icon } from '../atoms/Icon';

export interface Crumb {
  label: string;
  to?: string;
}

export function PageHeader({ title, description, breadcrumb = [], actions }: {
  title: string;
  description?: ReactNode;
  breadcrumb?: Crumb[];
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      {breadcrumb.length > 0 && (
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <ol>
            {breadcrumb.map((crumb) => (
              <li key={crumb.label}>
                {crumb.to ? <Link to={crumb.to}>{crumb.label}</Link> : <span>{crumb.label}</span>}
                <Icon name="chevron-right" size={14} />
              </li>
            ))}
            <li>
              <span aria-current="page">{title}</span>
            </li>
          </ol>
        </nav>
      )}
      <div className="page-header__row">
        <div>
          <h1 className="page-header__title">{title}</h1>
          {description && <p className="page-header__description">{description}</p>}
        </div>
        {actions && <div className="page-header__actions">{actions}</div>}
      </div>
    </header>
  );
}
