import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { onboardingSteps } from '../domain/onboarding';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { defineRoute } from './define';
import { errors, json } from './schemas';

const Step = z.object({ key: z.string(), label: z.string(), done: z.boolean(), href: z.string() }).openapi('OnboardingStep');

const get = defineRoute({
  method: 'get', path: '/v1/onboarding', access: 'user', tags: ['Workspace'],
  summary: 'The getting-started checklist; each step ticks itself when its work is done',
  responses: { 200: json(z.object({ steps: z.array(Step), completed: z.number().int(), total: z.number().int() })), 401: errors[401] },
});

export function registerOnboarding(app: App) {
  app.openapi(get, async (c) => {
    const p = userOf(c.get('principal'));
    return c.json(await onboardingSteps(getDb(c.env), p.tenantId, p.userId), 200);
  });
}
