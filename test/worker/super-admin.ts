import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { getDb } from '../../worker/db/client';
import { users } from '../../worker/db/schema';
import { CAPTCHA_PASS, PASSWORD, call, enrollTotp } from './helpers';

let admin: Promise<{ token: string; userId: string }> | undefined;

/**
 * The platform super-admin (SUPER_ADMIN_EMAILS is admin@edgepost.test), with a confirmed mailbox and
 * a second factor; made once per test file (each file has its own database).
 */
export function superAdminSession() {
  admin ??= (async () => {
    const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Platform Ops', email: 'admin@edgepost.test', password: PASSWORD } });
    if (res.status !== 201) throw new Error(`super-admin signup failed: ${res.status} ${JSON.stringify(res.json)}`);
    const session = { token: res.json.token as string, userId: res.json.user.id as string };
    await getDb(env).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, session.userId)).run();
    await enrollTotp(session);
    return session;
  })();
  return admin;
}
