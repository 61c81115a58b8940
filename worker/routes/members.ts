import { z } from '@hono/zod-openapi';
import { changeRole, invitationView, invite, listInvitations, listMembers, removeMember, revokeInvitation } from '../domain/members';
import { PageQuery, pageOf } from '../lib/pagination';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { clientInfo, scopeOf } from './context';
import { defineRoute } from './define';
import { Email, IdParam, Role, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const tags = ['Members'];
const Member = z.object({ id: z.string(), user_id: z.string(), email: z.string(), name: z.string().nullable(), role: Role, created_at: Timestamp }).openapi('Member');
const Invitation = z.object({ id: z.string(), email: z.string(), role: Role, expires_at: Timestamp, created_at: Timestamp }).openapi('Invitation');

// Managing people is for humans: an API key never holds members:* scopes.
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/members', access: 'members:read', tags, summary: 'Members of the workspace',
    request: { query: PageQuery }, responses: { 200: json(pageOf(Member)), 401: errors[401], 403: errors[403] },
  }),
  changeRole: defineRoute({
    method: 'patch', path: '/v1/members/{id}', access: { user: 'members:write' }, tags, summary: "Change a member's role",
    request: { params: IdParam('mem_01hx…'), body: jsonBody(z.object({ role: Role })) },
    responses: { 200: json(Member), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/members/{id}', access: { user: 'members:write' }, tags, summary: 'Remove a member (never the last owner)',
    request: { params: IdParam('mem_01hx…') }, responses: { 204: noContent, 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  listInvitations: defineRoute({
    method: 'get', path: '/v1/members/invitations', access: 'members:read', tags, summary: 'Pending invitations',
    request: { query: PageQuery }, responses: { 200: json(pageOf(Invitation)), 401: errors[401], 403: errors[403] },
  }),
  invite: defineRoute({
    method: 'post', path: '/v1/members/invitations', access: { user: 'members:write' }, tags, summary: 'Invite someone by email (link valid 7 days)',
    request: { body: jsonBody(z.object({ email: Email, role: Role })) },
    responses: { 201: json(Invitation), 400: errors[400], 403: errors[403], 409: errors[409] },
  }),
  revokeInvitation: defineRoute({
    method: 'delete', path: '/v1/members/invitations/{id}', access: { user: 'members:write' }, tags, summary: 'Revoke a pending invitation',
    request: { params: IdParam('inv_01hx…') }, responses: { 204: noContent, 403: errors[403], 404: errors[404] },
  }),
};

export function registerMembers(app: App) {
  // Static paths before `{id}` so /v1/members/invitations is not taken for a member id.
  app.openapi(routes.listInvitations, async (c) => c.json(await listInvitations(scopeOf(c), c.req.valid('query')), 200));
  app.openapi(routes.invite, async (c) => {
    const inv = await invite(c.env, scopeOf(c), userOf(c.get('principal')), c.req.valid('json'), clientInfo(c).ip);
    return c.json(invitationView(inv), 201);
  });
  app.openapi(routes.revokeInvitation, async (c) => {
    await revokeInvitation(scopeOf(c), userOf(c.get('principal')), c.req.valid('param').id, clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.list, async (c) => c.json(await listMembers(scopeOf(c), c.req.valid('query')), 200));
  app.openapi(routes.changeRole, async (c) => {
    const m = await changeRole(scopeOf(c), userOf(c.get('principal')), c.req.valid('param').id, c.req.valid('json').role, clientInfo(c).ip);
    return c.json(m, 200);
  });
  app.openapi(routes.remove, async (c) => {
    await removeMember(scopeOf(c), userOf(c.get('principal')), c.req.valid('param').id, clientInfo(c).ip);
    return c.body(null, 204);
  });
}
