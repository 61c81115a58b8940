import type { Role } from '~/lib/api-types';
import { Select } from '../atoms/Select';
import { FormField } from './FormField';

const DESCRIPTIONS: Record<Role, string> = {
  owner: 'Owner: everything, including billing and deleting the workspace',
  admin: 'Admin: manage members, API keys and settings',
  editor: 'Editor: create and send campaigns',
  viewer: 'Viewer: read-only access',
};

export function RoleSelect({ roles, defaultValue, error }: { roles: Role[]; defaultValue: Role; error?: string }) {
  return (
    <FormField label="Role" error={error}>
      {(control) => <Select name="role" defaultValue={defaultValue} options={roles.map((role) => ({ value: role, label: DESCRIPTIONS[role] }))} {...control} />}
    </FormField>
  );
}
