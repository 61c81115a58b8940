import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { limitApiKeyRate } from '../middleware/api-key-rate-limit';
import { authenticate, authorize, requireSuperAdmin, requireUser } from '../middleware/auth';
import { requireContentType } from '../middleware/content-type';
import type { Permission } from '../domain/permissions';
import type { AppEnv } from '../types';

/**
 * Who may call a route:
 * - `public`: anyone (login, signup, health);
 * - `user`: any signed-in member, no API keys (own profile, sessions);
 * - `super_admin`: platform operators;
 * - a Permission: members whose role grants it, and API keys carrying it as a scope.
 */
export type Access = 'public' | 'user' | 'super_admin' | Permission | { user: Permission };

type RouteInput = Omit<RouteConfig, 'middleware'> & { access: Access };

/**
 * Every route is declared through this: the access rule sits next to the path (one readable table
 * per resource, as listmonk does), is enforced by middleware, and is published in the OpenAPI
 * document as `x-permission` so integrators see which scope a call needs.
 */
export function defineRoute<const R extends RouteInput>(input: R) {
  const { access, ...config } = input;
  const mw: MiddlewareHandler<AppEnv>[] = [];
  const bodyTypes = config.request?.body?.content ? Object.keys(config.request.body.content) : [];
  if (bodyTypes.length) mw.push(requireContentType(bodyTypes));
  if (access !== 'public') mw.push(authenticate, limitApiKeyRate);
  if (access === 'user') mw.push(requireUser);
  else if (access === 'super_admin') mw.push(requireSuperAdmin);
  else if (typeof access === 'object') mw.push(requireUser, authorize(access.user));
  else if (access !== 'public') mw.push(authorize(access));

  const permission = typeof access === 'object' ? access.user : access;
  return createRoute({
    ...config,
    ...(access === 'public' ? {} : { security: [{ bearer: [] }] }),
    'x-permission': permission,
    middleware: mw,
  } as Omit<R, 'access'> & { middleware: MiddlewareHandler<AppEnv>[] });
}
