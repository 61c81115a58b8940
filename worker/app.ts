import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { MAX_ATTACHMENT_BYTES } from './domain/transactional';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { fileTooLarge } from './domain/contact-import';
import { MAX_IMPORT_BYTES } from './domain/import-files';
import { config } from './env';
import { reportError } from './lib/error-reporter';
import { errorFields, log } from './lib/log';
import { Problem, problemResponse, validationProblem } from './lib/problem';
import { securityHeaders } from './middleware/security-headers';
import { registerRoutes } from './routes';
import type { AppEnv } from './types';

const JSON_BODY_LIMIT = 1024 * 1024;
const PUBLIC_PREFIX = '/v1/public/';

/** Map a zod error (request validation) to field errors. */
function fieldErrors(issues: { path: PropertyKey[]; message: string }[], where: string) {
  return issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : where, message: i.message }));
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = (result as { target?: string }).target ?? 'body';
        throw validationProblem(fieldErrors(result.error.issues, where));
      }
    },
  });

  // Order matters: the request id and logging wrap everything, errors become problem+json below them.
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    // The route pattern, not the URL: paths may carry tokens, query strings may carry emails.
    log('info', 'request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      duration_ms: Date.now() - started,
      tenant_id: c.get('principal')?.tenantId,
    }, c.env.LOG_LEVEL);
  });
  app.use('*', securityHeaders);
  // Public subscribe forms are posted from the tenants' own websites: any origin, never credentials.
  app.use(`${PUBLIC_PREFIX}*`, cors({ origin: '*', allowHeaders: ['content-type'], allowMethods: ['GET', 'POST'], exposeHeaders: ['retry-after'], maxAge: 600 }));
  app.use('/v1/*', async (c, next) =>
    c.req.path.startsWith(PUBLIC_PREFIX) ? next() : cors({
      origin: (origin) => (origin === c.env.DASHBOARD_ORIGIN ? origin : null),
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposeHeaders: ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      credentials: true,
      maxAge: 600,
    })(c, next),
  );
  const jsonBodyLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new Problem('payload-too-large', `The body exceeds ${JSON_BODY_LIMIT / 1024} KiB.`);
    },
  });
  // File uploads for contact imports: the file limit plus room for the multipart envelope.
  const uploadBodyLimit = bodyLimit({ maxSize: MAX_IMPORT_BYTES + 64 * 1024, onError: () => { throw fileTooLarge(); } });
  // Transactional mail carries its attachments in base64: their limit plus a third, and room for the rest.
  const sendBodyLimit = bodyLimit({
    maxSize: Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + JSON_BODY_LIMIT,
    onError: () => {
      throw new Problem('payload-too-large', `The body exceeds ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB of attachments (in base64) and 1 MB of the rest.`);
    },
  });
  const limitFor = (c: { req: { path: string; header(name: string): string | undefined } }) => {
    if (c.req.path === '/v1/send') return sendBodyLimit;
    if (c.req.path.startsWith('/v1/contacts/import') && (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) return uploadBodyLimit;
    return jsonBodyLimit;
  };
  app.use('/v1/*', (c, next) => limitFor(c)(c, next));
  app.use('*', methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const p = new Problem('method-not-allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}.`, {
        headers: { allow: methods.join(', ') },
      });
      return problemResponse(p, new URL(c.req.url).pathname, c.get('requestId'));
    },
  }));

  registerRoutes(app);

  app.notFound((c) =>
    problemResponse(new Problem('not-found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`), new URL(c.req.url).pathname, c.get('requestId')),
  );

  app.onError((err, c) => {
    const instance = new URL(c.req.url).pathname;
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (err instanceof HTTPException && err.status === 400 && /malformed json/i.test(err.message)) {
      problem = new Problem('malformed-json', 'The request body could not be parsed as JSON.');
    } else if (err instanceof HTTPException && err.status < 500) {
      problem = new Problem(err.status === 413 ? 'payload-too-large' : 'bad-request', err.message || 'Bad request.');
    } else {
      log('error', 'unhandled_error', { request_id: c.get('requestId'), route: c.req.routePath, ...errorFields(err) });
      c.executionCtx.waitUntil(
        reportError(c.env.ERROR_REPORTING_DSN, err, { requestId: c.get('requestId'), route: c.req.routePath, tenantId: c.get('principal')?.tenantId, environment: c.env.APP_ENV }),
      );
      problem = new Problem('internal-error', `Something went wrong on our side. Quote request id ${c.get('requestId')} when asking for help.`);
    }
    const res = problemResponse(problem, instance, c.get('requestId'));
    // Headers set earlier in the chain (request id, security headers) survive onto the error response.
    c.res.headers.forEach((v, k) => {
      if (!res.headers.has(k)) res.headers.set(k, v);
    });
    return res;
  });

  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Edgepost API',
      version: '1.0.0',
      description:
        'Multi-tenant email campaigns on the edge. Authenticate with `Authorization: Bearer <session token | API key>`. Errors are RFC 9457 problem details. Each operation lists the permission or API-key scope it needs as `x-permission`.',
    },
    servers: [{ url: config(c.env).PUBLIC_API_URL }],
  }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session access token (JWT) from /v1/auth/login, or an API key (`ep_live_…`).',
  });
  return app;
}
