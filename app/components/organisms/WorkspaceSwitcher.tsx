import { useLocation } from '@remix-run/react';
import { useEffect, useId, useRef, useState } from 'react';
import type { Role, Workspace } from '~/lib/api-types';
import { Badge } from '../atoms/Badge';
import { Icon } from '../atoms/Icon';
import { TextField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { FormDialog } from './FormDialog';

/**
 * The current workspace in the navigation; opens the list of the user's other workspaces (each a
 * one-click switch) and "Create workspace". Switching starts a new session there.
 */
export function WorkspaceSwitcher({ current, role, workspaces }: { current: { id: string; name: string }; role: Role; workspaces: Workspace[] }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { key } = useLocation();
  const others = workspaces.filter((w) => w.tenant_id !== current.id);

  useEffect(() => setOpen(false), [key]);
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open]);

  return (
    <div className="switcher">
      <button
        ref={buttonRef}
        type="button"
        className="switcher__current"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((was) => !was)}
      >
        <span className="switcher__name">
          <span className="visually-hidden">Workspace: </span>
          {current.name}
        </span>
        <Badge tone="primary">{role}</Badge>
        <Icon name="swap" size={16} />
        <span className="visually-hidden">, switch workspace</span>
      </button>
      <div id={listId} className="switcher__panel" hidden={!open}>
        {others.length > 0 && (
          <ul className="switcher__list" aria-label="Your other workspaces">
            {others.map((w) => (
              <li key={w.tenant_id}>
                <PostForm action="/workspaces">
                  <input type="hidden" name="tenant_id" value={w.tenant_id} />
                  <SubmitButton intent="switch-workspace" variant="ghost" className="btn--block switcher__option" aria-label={`Switch to ${w.tenant_name}`}>
                    <span className="switcher__name">{w.tenant_name}</span>
                    <span className="text-muted switcher__role">{w.role}</span>
                  </SubmitButton>
                </PostForm>
              </li>
            ))}
          </ul>
        )}
        <FormDialog
          trigger={{ label: 'Create workspace', icon: 'plus', variant: 'ghost', size: 'sm' }}
          title="Create a workspace"
          description="A separate space with its own contacts, campaigns and team; you are its owner. You switch to it right away."
          intent="create-workspace"
          submitLabel="Create workspace"
          action="/workspaces"
        >
          {(errors) => <TextField label="Workspace name" name="name" required minLength={2} maxLength={100} autoComplete="organization" error={errors?.fields.name} />}
        </FormDialog>
      </div>
    </div>
  );
}
