import type { DB } from '../db/client';
import { memberships, tenants } from '../db/schema';
import type { Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { auditStatement } from './audit';
import { loginTenant, signedIn } from './auth';
import { getUser, type Caller } from './account';
import { revokeSession, type ClientInfo } from './sessions';
import { uniqueSlug } from './tenants';

/** Another workspace for the signed-in user, who owns it; the answer is a session in the new workspace. */
export async function createWorkspace(env: Env, db: DB, caller: Caller, name: string, client: ClientInfo) {
  const user = await getUser(db, caller.userId);
  const tenantId = newId(ID_PREFIX.tenant);
  const [[tenant]] = await db.batch([
    db.insert(tenants).values({ id: tenantId, name: name.trim(), slug: await uniqueSlug(db, name), planId: 'free' }).returning(),
    db.insert(memberships).values({ id: newId(ID_PREFIX.membership), tenantId, userId: user.id, role: 'owner' }),
    auditStatement(db, { tenantId, actor: { type: 'user', id: user.id }, action: 'tenant.created', target: { type: 'tenant', id: tenantId }, ip: client.ip }),
  ]);
  return (await signedIn(env, db, user, tenant!, client)).result;
}

/** Moves the caller's session to another of their workspaces: a new session there, the old one ends. */
export async function switchWorkspace(env: Env, db: DB, caller: Caller, tenantId: string, client: ClientInfo) {
  const user = await getUser(db, caller.userId);
  const tenant = await loginTenant(db, user.id, tenantId);
  if (!tenant) throw new Problem('not-found', 'You are not a member of that workspace.');
  const { result, sessionId } = await signedIn(env, db, user, tenant, client);
  await revokeSession(db, caller.sessionId, 'switched_workspace');
  await auditStatement(db, { tenantId: tenant.id, actor: { type: 'user', id: user.id }, action: 'auth.workspace_switched', target: { type: 'session', id: sessionId }, ip: client.ip }).run();
  return result;
}

