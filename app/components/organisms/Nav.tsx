import { NavLink, useLocation } from '@remix-run/react';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { IconButton } from '../atoms/Button';
import { Icon, type IconName } from '../atoms/Icon';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

/**
 * The main navigation: a sidebar on wide screens; on phones a top bar whose menu button opens
 * the same links as a panel (closed again by Escape, or by following a link).
 */
export function Nav({ items, brand, barActions, footer }: { items: NavItem[]; brand: ReactNode; barActions?: ReactNode; footer?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();

  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggleRef.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open]);

  return (
    <div className="nav" data-open={open}>
      <div className="nav__bar">
        {brand}
        {barActions && <div className="nav__bar-actions">{barActions}</div>}
        <IconButton
          ref={toggleRef}
          className="nav__toggle"
          icon={open ? 'close' : 'menu'}
          label="Menu"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((was) => !was)}
        />
      </div>
      <nav id={panelId} className="nav__panel" aria-label="Main">
        <ul className="nav__list">
          {items.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.to === '/'} className="nav__link" prefetch="intent">
                <Icon name={item.icon} />
                <span>{item.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
        {footer && <div className="nav__footer">{footer}</div>}
      </nav>
    </div>
  );
}
