import { z } from '@hono/zod-openapi';
import { ROLES } from '../db/schema';
import { PASSWORD_MAX_LENGTH } from '../domain/passwords';

/** Shapes shared by several route modules; each resource's own shapes live in its module. */
/** Surrounding spaces from copy-paste are forgiven; the address itself must be valid. */
export const Email = z.string().trim().pipe(z.email({ message: 'must be a valid email address' }).max(254)).openapi({ type: 'string', format: 'email', example: 'ada@example.com' });
export const Password = z.string().min(1, 'is required').max(PASSWORD_MAX_LENGTH).openapi({ format: 'password' });
export const Role = z.enum(ROLES).openapi({ description: 'owner, admin, editor or viewer' });
export const Id = (example: string) => z.string().min(3).max(64).openapi({ param: { name: 'id', in: 'path' }, example });
export const IdParam = (example: string) => z.object({ id: Id(example) });
export const Timestamp = z.string().openapi({ format: 'date-time' });

export const UserView = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), email_verified: z.boolean() }).openapi('User');
export const TenantView = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), plan: z.string(), status: z.string(), created_at: Timestamp })
  .openapi('Tenant');
export const TokenPair = z.object({
  token: z.string().openapi({ description: 'Access token (JWT), valid 15 minutes.' }),
  refresh_token: z.string().openapi({ description: 'Single-use; each refresh returns a new one.' }),
  expires_in: z.number().int(),
});
export const AuthResult = TokenPair.extend({ user: UserView, tenant: TenantView }).openapi('AuthResult');
export const MfaChallenge = z
  .object({ mfa_required: z.literal(true), mfa_token: z.string().openapi({ description: 'Valid 5 minutes, for /v1/auth/2fa/verify' }), methods: z.array(z.string()) })
  .openapi('MfaChallenge');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errors = {
  400: problem('Invalid input; `errors` lists the failing fields'),
  401: problem('Missing or invalid credentials'),
  403: problem('The role or API key scope does not allow this'),
  404: problem('Not found (also for resources of other tenants)'),
  409: problem('Conflicts with the current state'),
  415: problem('Unsupported media type'),
  422: problem('Semantically invalid'),
  429: problem('Too many requests; see Retry-After'),
  503: problem('A service Edgepost depends on (e.g. the mail server) is unavailable; try again'),
} as const;

export const json = <T extends z.ZodTypeAny>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
export const noContent = { description: 'Done; no content' } as const;
