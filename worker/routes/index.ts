import type { App } from '../types';
import { registerAccount } from './account';
import { registerAdmin } from './admin';
import { registerApiKeys } from './api-keys';
import { registerAuditLog } from './audit-log';
import { registerAuth } from './auth';
import { registerContacts } from './contacts';
import { registerFieldsAndTags } from './fields-and-tags';
import { registerDocs } from './docs';
import { registerHealth } from './health';
import { registerJobs } from './jobs';
import { registerLists } from './lists';
import { registerMe } from './me';
import { registerMembers } from './members';
import { registerNotifications } from './notifications';
import { registerOnboarding } from './onboarding';
import { registerSuppressions } from './suppressions';
import { registerTenant } from './tenant';
import { registerWorkspaces } from './workspaces';

/** Every resource's routes, mounted in one place; each module lists its routes with their access rule. */
export function registerRoutes(app: App) {
  registerHealth(app);
  registerDocs(app);
  registerAuth(app);
  registerMe(app);
  registerAccount(app);
  registerTenant(app);
  registerWorkspaces(app);
  registerOnboarding(app);
  registerMembers(app);
  registerApiKeys(app);
  registerAuditLog(app);
  registerNotifications(app);
  registerJobs(app);
  registerContacts(app);
  registerFieldsAndTags(app);
  registerSuppressions(app);
  registerLists(app);
  registerAdmin(app);
}
