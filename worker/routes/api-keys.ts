import { z } from '@hono/zod-openapi';
import { apiKeys } from '../db/schema';
import { actorOf, audit } from '../domain/audit';
import { API_KEY_SCOPES } from '../domain/permissions';
import { apiKeyView, createApiKey, revokeApiKey } from '../domain/api-keys';
import { PageQuery, pageOf } from '../lib/pagination';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { clientInfo, scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const tags = ['API keys'];
const Scope = z.enum(API_KEY_SCOPES);
const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the secret, to tell keys apart' }),
    scopes: z.array(z.string()),
    created_by: z.string().nullable(),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
    expires_at: Timestamp.nullable(),
    revoked_at: Timestamp.nullable(),
  })
  .openapi('ApiKey');

const routes = {
  scopes: defineRoute({
    method: 'get', path: '/v1/api-keys/scopes', access: 'api_keys:read', tags, summary: 'Scopes an API key can carry',
    responses: { 200: json(z.object({ scopes: z.array(z.string()) })), 401: errors[401] },
  }),
  list: defineRoute({
    method: 'get', path: '/v1/api-keys', access: 'api_keys:read', tags, summary: 'API keys of the workspace (secrets are never shown again)',
    request: { query: PageQuery }, responses: { 200: json(pageOf(ApiKey)), 401: errors[401], 403: errors[403] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/api-keys', access: { user: 'api_keys:write' }, tags, summary: 'Create an API key; the secret is returned once',
    request: {
      body: jsonBody(
        z.object({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(Scope).min(1, 'choose at least one scope').max(API_KEY_SCOPES.length),
          expires_at: z.iso.datetime({ offset: true }).optional().refine((v) => !v || Date.parse(v) > Date.now(), 'must be in the future'),
        }),
      ),
    },
    responses: { 201: json(ApiKey.extend({ secret: z.string().openapi({ example: 'ep_live_…' }) }).openapi('ApiKeyWithSecret')), 400: errors[400], 403: errors[403] },
  }),
  revoke: defineRoute({
    method: 'delete', path: '/v1/api-keys/{id}', access: { user: 'api_keys:write' }, tags, summary: 'Revoke an API key at once',
    request: { params: IdParam('key_01hx…') }, responses: { 204: noContent, 403: errors[403], 404: errors[404] },
  }),
};

export function registerApiKeys(app: App) {
  app.openapi(routes.scopes, (c) => c.json({ scopes: [...API_KEY_SCOPES] }, 200));
  app.openapi(routes.list, async (c) => c.json(await scopeOf(c).list(apiKeys, c.req.valid('query'), apiKeyView), 200));
  app.openapi(routes.create, async (c) => {
    const user = userOf(c.get('principal'));
    const body = c.req.valid('json');
    const scope = scopeOf(c);
    const { key, secret } = await createApiKey(scope, { name: body.name, scopes: body.scopes, expiresAt: body.expires_at ? new Date(body.expires_at) : null }, user);
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(user), action: 'api_key.created', target: { type: 'api_key', id: key.id }, ip: clientInfo(c).ip, metadata: { scopes: key.scopes } });
    return c.json({ ...apiKeyView(key), secret }, 201);
  });
  app.openapi(routes.revoke, async (c) => {
    const scope = scopeOf(c);
    const key = await revokeApiKey(scope, c.req.valid('param').id);
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'api_key.revoked', target: { type: 'api_key', id: key.id }, ip: clientInfo(c).ip });
    return c.body(null, 204);
  });
}
