import type { Health } from '~/components/atoms/HealthDot';
import { anonymousApi } from './api.server';
import { ApiProblem } from './problem';
import type { RequestArgs } from './request-state.server';

/** The API's readiness (D1, Durable Objects, queues) as one status for the HealthDot. */
export async function apiHealth(args: RequestArgs): Promise<Health> {
  try {
    await anonymousApi(args).get('/health/ready');
    return 'up';
  } catch (error) {
    // An answer means the API runs but a dependency failed; no answer means it is down.
    return error instanceof ApiProblem ? 'degraded' : 'down';
  }
}
