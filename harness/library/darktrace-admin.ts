// The simulator's admin client: its /_lab API (docs/reference/simulator.md) over HTTP — ground truth
// (the generated alerts), emit, clock, rates and API faults.
import type { AlertPatch, AlertType } from '../../simulator/index.ts';
import { labCall } from './lab-http.ts';

/** One generated alert as `GET /_lab/generated` lists it. */
export interface GeneratedAlert {
  type: AlertType;
  id: string;
  time: string;
  seq: number;
  createdAt?: string;
  story?: string;
  status?: string;
  /** The alert JSON itself, with `includeAlert`. */
  alert?: unknown;
}

/** A fault rule of the simulator's API (`path`, `status` or `auth` or `latencyMs`, `count`…). */
export type DarktraceFaultRule = Record<string, unknown>;

export class DarktraceAdmin {
  /** `adminToken`: the simulator's admin token (`--admin-token`), when it has one. */
  constructor(
    readonly url: string,
    private readonly adminToken?: string,
  ) {}

  health(): Promise<{ status: string; now: string; seed: number }> {
    return labCall(this.url, 'GET', '/_lab/health', undefined, this.adminToken);
  }

  /** Ground truth: every alert generated (backfill included), optionally of one type or since an instant. */
  generated(opts: { type?: AlertType; since?: string; includeAlert?: boolean } = {}): Promise<{ counts: Record<AlertType, number>; items: GeneratedAlert[] }> {
    const q = new URLSearchParams();
    if (opts.type) q.set('type', opts.type);
    if (opts.since) q.set('since', opts.since);
    if (opts.includeAlert) q.set('include', 'alert');
    return labCall(this.url, 'GET', `/_lab/generated${q.size ? `?${q}` : ''}`, undefined, this.adminToken);
  }

  /** Emits `count` alerts of `type` now, alert i changed by `patches[i]` when given; resolves to what was emitted. */
  async emit(type: AlertType, count = 1, patches?: AlertPatch[]): Promise<GeneratedAlert[]> {
    return (await labCall<{ emitted: GeneratedAlert[] }>(this.url, 'POST', '/_lab/emit', { type, count, ...(patches ? { patches } : {}) }, this.adminToken)).emitted;
  }

  /** Starts a story (`beaconing-exfiltration`, …) now. */
  story(name: string, params: Record<string, unknown> = {}): Promise<{ story: unknown; emitted: GeneratedAlert[] }> {
    return labCall(this.url, 'POST', '/_lab/emit', { story: name, params }, this.adminToken);
  }

  /** Moves simulated time forward (`"5m"` or ms) and generates what falls due. */
  advanceClock(by: string | number): Promise<{ now: string; emitted: number }> {
    return labCall(this.url, 'POST', '/_lab/clock', { advance: by }, this.adminToken);
  }

  /** Replaces the API fault rules (PUT /_lab/faults); an empty list clears them. */
  async setFaults(rules: DarktraceFaultRule[]): Promise<void> {
    if (rules.length) await labCall(this.url, 'PUT', '/_lab/faults', { rules }, this.adminToken);
    else await labCall(this.url, 'DELETE', '/_lab/faults', undefined, this.adminToken);
  }

  async faults(): Promise<DarktraceFaultRule[]> {
    return (await labCall<{ rules: DarktraceFaultRule[] }>(this.url, 'GET', '/_lab/faults', undefined, this.adminToken)).rules;
  }
}
