import { DurableObject } from 'cloudflare:workers';

export interface KillState {
  engaged: boolean;
  reason: string | null;
  by: string | null;
  at: string | null;
}

export interface KillSwitchStatus {
  global: KillState;
  /** Tenants stopped individually, by tenant id. */
  tenants: Record<string, KillState>;
}

const OFF: KillState = { engaged: false, reason: null, by: null, at: null };

/**
 * The one global switch that stops all sending, or one tenant's, within seconds.
 * A single instance (`idFromName('global')`); the send consumer caches its answer briefly.
 */
export class KillSwitch extends DurableObject {
  private read(): KillSwitchStatus {
    return this.ctx.storage.kv.get<KillSwitchStatus>('state') ?? { global: OFF, tenants: {} };
  }

  async status(): Promise<KillSwitchStatus> {
    return this.read();
  }

  async isStopped(tenantId: string): Promise<boolean> {
    const s = this.read();
    return s.global.engaged || Boolean(s.tenants[tenantId]?.engaged);
  }

  async engage(input: { tenantId?: string; reason: string; by: string }): Promise<KillSwitchStatus> {
    const s = this.read();
    const state: KillState = { engaged: true, reason: input.reason, by: input.by, at: new Date().toISOString() };
    if (input.tenantId) s.tenants[input.tenantId] = state;
    else s.global = state;
    this.ctx.storage.kv.put('state', s);
    return s;
  }

  async release(input: { tenantId?: string }): Promise<KillSwitchStatus> {
    const s = this.read();
    if (input.tenantId) delete s.tenants[input.tenantId];
    else s.global = OFF;
    this.ctx.storage.kv.put('state', s);
    return s;
  }
}
