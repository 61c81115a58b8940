import { Badge } from '../atoms/Badge';

/** A tenant's state in words (active, suspended, closed) with its tone. */
export function TenantStatusBadge({ status }: { status: string }) {
  return <Badge tone={status === 'active' ? 'success' : status === 'suspended' ? 'danger' : 'neutral'}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}
