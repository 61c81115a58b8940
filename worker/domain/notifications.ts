import { and, count, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { Liquid } from 'liquidjs';
import type { DB } from '../db/client';
import { memberships, notifications, tenants, users, type Role } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { config, type Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { decodeCursor, toPage } from '../lib/pagination';
import { notFound } from '../lib/problem';
import { NOTIFICATION_KINDS, NOTIFICATION_KIND_NAMES, type NotificationKindName } from './notification-kinds';
import { sendSystemEmail } from './system-mail';

// Plain-text output: escaping happens where text becomes HTML (renderSystemEmail, the dashboard).
const liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true });

export type NotificationData = Record<string, string | number | boolean | null>;

interface Recipient {
  userId: string;
  email: string;
  prefs: Record<string, { email?: boolean; in_app?: boolean }> | null;
}

async function recipients(db: DB, tenantId: string, audience: readonly Role[] | 'self', userIds: string[] | undefined): Promise<Recipient[]> {
  const rows = await db
    .select({ userId: users.id, email: users.email, prefs: memberships.notificationPrefs, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), userIds ? inArray(memberships.userId, userIds) : undefined))
    .all();
  return audience === 'self' ? rows : rows.filter((r) => audience.includes(r.role));
}

/**
 * The one notification service: every part of Edgepost calls this. It renders the kind's Liquid
 * wording, stores an in-app notification and queues an email for each member who has not switched
 * that channel off. `userIds` narrows the audience ('self' kinds require it).
 */
export async function notify(env: Env, db: DB, event: { tenantId: string; kind: NotificationKindName; data: NotificationData; userIds?: string[] }) {
  const kind = NOTIFICATION_KINDS[event.kind];
  if (kind.audience === 'self' && !event.userIds?.length) throw new Error(`notification ${event.kind} needs userIds`);
  const tenant = await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, event.tenantId)).get();
  const data = { tenant_name: tenant?.name ?? '', ...event.data };
  const [title, body, link] = await Promise.all([
    liquid.parseAndRender(kind.title, data),
    liquid.parseAndRender(kind.body, data),
    'link' in kind ? liquid.parseAndRender(kind.link, data) : Promise.resolve(null),
  ]);
  const people = await recipients(db, event.tenantId, kind.audience, event.userIds);
  const inApp = people.filter((p) => p.prefs?.[event.kind]?.in_app !== false);
  const byEmail = people.filter((p) => p.prefs?.[event.kind]?.email ?? kind.email);
  if (inApp.length) {
    await db.insert(notifications).values(inApp.map((p) => ({ id: newId(ID_PREFIX.notification), tenantId: event.tenantId, userId: p.userId, kind: event.kind, title, body, link }))).run();
  }
  const url = link ? `${config(env).DASHBOARD_ORIGIN}${link}` : undefined;
  for (const p of byEmail) {
    await sendSystemEmail(env, { to: p.email, subject: title, paragraphs: [body], action: url ? { label: 'Open in Edgepost', url } : undefined });
  }
  return { in_app: inApp.length, email: byEmail.length };
}

export function notificationView(n: typeof notifications.$inferSelect) {
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, read: Boolean(n.readAt), created_at: n.createdAt.toISOString() };
}

export async function listNotifications(scope: TenantScope, userId: string, page: { limit: number; cursor?: string }, unreadOnly: boolean) {
  const after = decodeCursor(page.cursor);
  const rows = await scope.db
    .select()
    .from(notifications)
    .where(scope.own(notifications, eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined, after ? lt(notifications.id, after) : undefined))
    .orderBy(desc(notifications.id))
    .limit(page.limit + 1)
    .all();
  const [unread] = await scope.db.select({ n: count() }).from(notifications).where(scope.own(notifications, eq(notifications.userId, userId), isNull(notifications.readAt)));
  return { ...toPage(rows, page.limit, notificationView), unread_count: unread?.n ?? 0 };
}

export async function markRead(scope: TenantScope, userId: string, id: string | 'all') {
  const updated = await scope.db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(scope.own(notifications, eq(notifications.userId, userId), isNull(notifications.readAt), id === 'all' ? undefined : eq(notifications.id, id)))
    .returning({ id: notifications.id });
  if (id !== 'all' && !updated.length) {
    const exists = await scope.db.select({ id: notifications.id }).from(notifications).where(scope.own(notifications, eq(notifications.userId, userId), eq(notifications.id, id))).get();
    if (!exists) throw notFound('Notification');
  }
  return updated.length;
}

export async function getPreferences(scope: TenantScope, userId: string) {
  const m = await scope.db.select({ prefs: memberships.notificationPrefs }).from(memberships).where(scope.own(memberships, eq(memberships.userId, userId))).get();
  return NOTIFICATION_KIND_NAMES.map((kind) => ({
    kind,
    email: m?.prefs?.[kind]?.email ?? NOTIFICATION_KINDS[kind].email,
    in_app: m?.prefs?.[kind]?.in_app ?? true,
  }));
}

export async function setPreferences(scope: TenantScope, userId: string, changes: { kind: NotificationKindName; email?: boolean; in_app?: boolean }[]) {
  const m = await scope.db.select({ prefs: memberships.notificationPrefs }).from(memberships).where(scope.own(memberships, eq(memberships.userId, userId))).get();
  const prefs = { ...(m?.prefs ?? {}) };
  for (const c of changes) prefs[c.kind] = { ...prefs[c.kind], ...(c.email !== undefined ? { email: c.email } : {}), ...(c.in_app !== undefined ? { in_app: c.in_app } : {}) };
  await scope.db.update(memberships).set({ notificationPrefs: prefs }).where(scope.own(memberships, eq(memberships.userId, userId))).run();
  return getPreferences(scope, userId);
}
