import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { createWorkspace, switchWorkspace } from '../domain/workspaces';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { clientInfo } from './context';
import { defineRoute } from './define';
import { AuthResult, errors, json, jsonBody } from './schemas';

const tags = ['Account'];
const routes = {
  create: defineRoute({
    method: 'post', path: '/v1/workspaces', access: 'user', tags, summary: 'Create another workspace that you own, and switch to it',
    request: { body: jsonBody(z.object({ name: z.string().trim().min(2).max(100) })) },
    responses: { 201: json(AuthResult), 400: errors[400], 401: errors[401] },
  }),
  switch: defineRoute({
    method: 'post', path: '/v1/auth/switch', access: 'user', tags, summary: 'Switch to another of your workspaces (the current session ends)',
    request: { body: jsonBody(z.object({ tenant_id: z.string().min(3).max(64) })) },
    responses: { 200: json(AuthResult), 400: errors[400], 404: errors[404] },
  }),
};

export function registerWorkspaces(app: App) {
  app.openapi(routes.create, async (c) => c.json(await createWorkspace(c.env, getDb(c.env), userOf(c.get('principal')), c.req.valid('json').name, clientInfo(c)), 201));
  app.openapi(routes.switch, async (c) => c.json(await switchWorkspace(c.env, getDb(c.env), userOf(c.get('principal')), c.req.valid('json').tenant_id, clientInfo(c)), 200));
}
