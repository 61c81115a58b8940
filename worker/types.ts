import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Role } from './db/schema';
import type { Permission } from './domain/permissions';
import type { Env } from './env';

/** Who is calling: a signed-in member (session JWT) or an API key. */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      tenantId: string;
      role: Role;
      sessionId: string;
      superAdmin: boolean;
    }
  | {
      kind: 'api_key';
      keyId: string;
      tenantId: string;
      scopes: ReadonlySet<Permission>;
    };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal;
  };
};

export type App = OpenAPIHono<AppEnv>;
