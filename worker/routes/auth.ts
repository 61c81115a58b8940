import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { confirmPasswordReset, login, logout, requestPasswordReset, sendVerificationEmail, signup, verifyEmail, verifyLoginSecondFactor } from '../domain/auth';
import { acceptInvitation, previewInvitation } from '../domain/members';
import { rotateRefreshToken } from '../domain/sessions';
import { captchaFor } from '../domain/captcha';
import { config } from '../env';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { clientInfo } from './context';
import { defineRoute } from './define';
import { AuthResult, Email, MfaChallenge, Password, Role, TokenPair, errors, json, jsonBody, noContent } from './schemas';

const tags = ['Auth'];
const CaptchaToken = z.string().max(4096).optional().openapi({ description: 'Cloudflare Turnstile token (the development stand-in accepts XXXX.DUMMY.TOKEN.XXXX); see GET /v1/auth/captcha' });

const routes = {
  signup: defineRoute({
    method: 'post', path: '/v1/auth/signup', access: 'public', tags,
    summary: 'Create a workspace (tenant) and its owner',
    request: {
      body: jsonBody(z.object({ tenant_name: z.string().trim().min(2).max(100), email: Email, password: Password, name: z.string().trim().max(100).optional(), captcha_token: CaptchaToken })),
    },
    responses: { 201: json(AuthResult, 'Signed up and signed in; a confirmation email is on its way'), 400: errors[400], 409: errors[409], 422: errors[422] },
  }),
  login: defineRoute({
    method: 'post', path: '/v1/auth/login', access: 'public', tags,
    summary: 'Sign in with email and password',
    request: { body: jsonBody(z.object({ email: Email, password: Password, tenant_id: z.string().max(64).optional(), captcha_token: CaptchaToken.openapi({ description: 'Required after 3 recent failed sign-ins (the API answers captcha-required)' }) })) },
    responses: {
      200: json(z.union([AuthResult, MfaChallenge]), 'Signed in, or — with two-factor authentication on — a challenge for /v1/auth/2fa/verify'),
      400: errors[400],
      401: errors[401],
      429: errors[429],
    },
  }),
  verifySecondFactor: defineRoute({
    method: 'post', path: '/v1/auth/2fa/verify', access: 'public', tags,
    summary: 'Second step of a login: a code from the authenticator app, or a backup code',
    request: { body: jsonBody(z.object({ mfa_token: z.string().min(1).max(1000), code: z.string().trim().min(6).max(20) })) },
    responses: { 200: json(AuthResult), 400: errors[400], 401: errors[401], 429: errors[429] },
  }),
  refresh: defineRoute({
    method: 'post', path: '/v1/auth/refresh', access: 'public', tags,
    summary: 'Exchange a refresh token for a new pair (rotation; reuse ends the session)',
    request: { body: jsonBody(z.object({ refresh_token: z.string().min(1).max(200) })) },
    responses: { 200: json(TokenPair), 400: errors[400], 401: errors[401] },
  }),
  captcha: defineRoute({
    method: 'get', path: '/v1/auth/captcha', access: 'public', tags,
    summary: 'Which CAPTCHA the forms must show: Cloudflare Turnstile (with its site key) or the development stand-in',
    responses: { 200: json(z.object({ provider: z.enum(['turnstile', 'stand-in']), site_key: z.string().nullable() })) },
  }),
  logout: defineRoute({
    method: 'post', path: '/v1/auth/logout', access: 'user', tags,
    summary: 'End the current session',
    responses: { 204: noContent, 401: errors[401] },
  }),
  passwordReset: defineRoute({
    method: 'post', path: '/v1/auth/password-reset', access: 'public', tags,
    summary: 'Email a single-use password reset link (answers 202 whether or not the account exists)',
    request: { body: jsonBody(z.object({ email: Email, captcha_token: CaptchaToken })) },
    responses: { 202: { description: 'If the account exists, a link is on its way' }, 400: errors[400] },
  }),
  passwordResetConfirm: defineRoute({
    method: 'post', path: '/v1/auth/password-reset/confirm', access: 'public', tags,
    summary: 'Set a new password with the emailed token; ends every session',
    request: { body: jsonBody(z.object({ token: z.string().min(1).max(200), password: Password })) },
    responses: { 204: noContent, 400: errors[400], 401: errors[401], 422: errors[422] },
  }),
  verifyEmail: defineRoute({
    method: 'post', path: '/v1/auth/verify-email', access: 'public', tags,
    summary: 'Confirm an email address with the emailed token',
    request: { body: jsonBody(z.object({ token: z.string().min(1).max(200) })) },
    responses: { 204: noContent, 400: errors[400], 401: errors[401] },
  }),
  resendVerification: defineRoute({
    method: 'post', path: '/v1/auth/verify-email/resend', access: 'user', tags,
    summary: 'Send the confirmation email again',
    responses: { 202: { description: 'Sent (or nothing to do: already confirmed)' }, 401: errors[401] },
  }),
  previewInvitation: defineRoute({
    method: 'get', path: '/v1/auth/invitations/{token}', access: 'public', tags,
    summary: 'What an invitation is for, before accepting it',
    request: { params: z.object({ token: z.string().min(1).max(200) }) },
    responses: { 200: json(z.object({ tenant_name: z.string(), email: z.string(), role: Role, existing_user: z.boolean() })), 401: errors[401] },
  }),
  acceptInvitation: defineRoute({
    method: 'post', path: '/v1/auth/invitations/accept', access: 'public', tags,
    summary: 'Join a workspace: new people choose a password, existing users confirm theirs',
    request: { body: jsonBody(z.object({ token: z.string().min(1).max(200), password: Password, name: z.string().trim().max(100).optional() })) },
    responses: { 200: json(AuthResult), 400: errors[400], 401: errors[401], 422: errors[422] },
  }),
};

export function registerAuth(app: App) {
  app.openapi(routes.signup, async (c) => c.json(await signup(c.env, getDb(c.env), c.req.valid('json'), clientInfo(c)), 201));
  app.openapi(routes.login, async (c) => c.json(await login(c.env, getDb(c.env), c.req.valid('json'), clientInfo(c)), 200));
  app.openapi(routes.verifySecondFactor, async (c) => c.json(await verifyLoginSecondFactor(c.env, getDb(c.env), c.req.valid('json'), clientInfo(c)), 200));
  app.openapi(routes.refresh, async (c) => {
    const { pair } = await rotateRefreshToken(getDb(c.env), config(c.env).JWT_SECRET, c.req.valid('json').refresh_token, clientInfo(c));
    return c.json(pair, 200);
  });
  app.openapi(routes.captcha, (c) => {
    const v = captchaFor(c.env);
    return c.json({ provider: v.provider, site_key: v.siteKey }, 200);
  });
  app.openapi(routes.logout, async (c) => {
    await logout(getDb(c.env), userOf(c.get('principal')), clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.passwordReset, async (c) => {
    await requestPasswordReset(c.env, getDb(c.env), c.req.valid('json'), clientInfo(c).ip);
    return c.body(null, 202);
  });
  app.openapi(routes.passwordResetConfirm, async (c) => {
    const { token, password } = c.req.valid('json');
    await confirmPasswordReset(getDb(c.env), token, password, clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.verifyEmail, async (c) => {
    await verifyEmail(getDb(c.env), c.req.valid('json').token);
    return c.body(null, 204);
  });
  app.openapi(routes.resendVerification, async (c) => {
    const db = getDb(c.env);
    const user = await db.select().from(users).where(eq(users.id, userOf(c.get('principal')).userId)).get();
    if (user && !user.emailVerifiedAt) await sendVerificationEmail(c.env, db, user);
    return c.body(null, 202);
  });
  app.openapi(routes.previewInvitation, async (c) => c.json(await previewInvitation(getDb(c.env), c.req.valid('param').token), 200));
  app.openapi(routes.acceptInvitation, async (c) => c.json(await acceptInvitation(c.env, getDb(c.env), c.req.valid('json'), clientInfo(c)), 200));
}
