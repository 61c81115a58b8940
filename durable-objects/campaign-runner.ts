import { DurableObject } from 'cloudflare:workers';

export type RunnerState = 'idle' | 'running' | 'paused' | 'cancelled' | 'done';

/**
 * One per campaign (`idFromName(campaignId)`). The delivery issue gives it the alarm that pages
 * through the audience and enqueues sends; the foundation only establishes its durable state.
 */
export class CampaignRunner extends DurableObject {
  async state(): Promise<RunnerState> {
    return this.ctx.storage.kv.get<RunnerState>('state') ?? 'idle';
  }
}
