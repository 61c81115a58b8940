import { NavLink, useLocation } from '@remix-run/react';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { IconButton } from '../atoms/Button';
import { Icon, type IconName } from '../atoms/Icon';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

/** Related pages under a heading (e.g. "Audience"): a labelled sub-list, in the phone menu too. */
export interface NavGroup {
  group: string;
  items: NavItem[];
}

export type NavEntry = NavItem | NavGroup;

/**
 * The main navigation: a sidebar on wide screens; on phones a top bar whose menu button opens
 * the same links as a panel (closed again by Escape, or by following a link).
 */
export function Nav({ items, brand, barActions, footer }: { items: NavEntry[]; brand: ReactNode; barActions?: ReactNode; footer?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  const allItems = items.flatMap((entry) => ('group' in entry ? entry.items : [entry]));

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
          {items.map((entry) =>
            'group' in entry ? <NavGroupEntry key={entry.group} group={entry} all={allItems} /> : <NavItemEntry key={entry.to} item={entry} all={allItems} />,
          )}
        </ul>
        {footer && <div className="nav__footer">{footer}</div>}
      </nav>
    </div>
  );
}

/**
 * A link is current on its own page and the pages below it, unless one of those has a link of its
 * own (Settings is not current on Plan and usage, whose link is listed too).
 */
function NavItemEntry({ item, all }: { item: NavItem; all: NavItem[] }) {
  const { pathname } = useLocation();
  const shadowed = all.some((other) => other.to.startsWith(`${item.to}/`) && (pathname === other.to || pathname.startsWith(`${other.to}/`)));
  return (
    <li>
      <NavLink to={item.to} end={item.to === '/' || shadowed} className="nav__link" prefetch="intent">
        <Icon name={item.icon} />
        <span>{item.label}</span>
      </NavLink>
    </li>
  );
}

function NavGroupEntry({ group, all }: { group: NavGroup; all: NavItem[] }) {
  const labelId = useId();
  return (
    <li className="nav__group">
      <span className="nav__group-label" id={labelId}>
        {group.group}
      </span>
      <ul className="nav__list" aria-labelledby={labelId}>
        {group.items.map((item) => (
          <NavItemEntry key={item.to} item={item} all={all} />
        ))}
      </ul>
    </li>
  );
}
