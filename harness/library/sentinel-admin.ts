// The mock workspace's admin client: its /_lab API (docs/reference/mock-sentinel.md, "Admin API")
// over HTTP, so it works the same for an in-process mock and one `dtlab sentinel` runs elsewhere.
import type { AuditEntry, FaultRuleInput, TableInfo } from '../../mock-sentinel/index.ts';
import { labCall } from './lab-http.ts';

/** A fault rule as `GET /_lab/faults` lists it: the rule, the requests it matched and those it faulted. */
export type FaultRuleState = FaultRuleInput & { id: string; route: string; matched: number; fired: number };

export interface SentinelFaults {
  /** Replaces the rules in force (PUT /_lab/faults). */
  set(rules: FaultRuleInput[]): Promise<void>;
  /** The rules in force with their hits (GET /_lab/faults). */
  list(): Promise<FaultRuleState[]>;
  /** Removes every rule (DELETE /_lab/faults). */
  clear(): Promise<void>;
  /**
   * The next `count` requests to `route` (default every route, `*`) are answered with `status`
   * (429, 500 or 503; `retryAfter` seconds for 429/503). Replaces the rules in force.
   */
  failNext(count: number, status: 429 | 500 | 503, opts?: { route?: string; retryAfter?: number }): Promise<void>;
}

export class SentinelAdmin {
  readonly faults: SentinelFaults;

  /** `adminToken`: the mock's admin token (`admin.token`, `--admin-token`), when it has one. */
  constructor(
    readonly url: string,
    private readonly adminToken?: string,
  ) {
    const call = <T>(method: string, path: string, body?: unknown) => labCall<T>(url, method, path, body, adminToken);
    this.faults = {
      set: async (rules) => void (await call('PUT', '/_lab/faults', { rules })),
      list: async () => (await call<{ seed: number; rules: FaultRuleState[] }>('GET', '/_lab/faults')).rules,
      clear: async () => void (await call('DELETE', '/_lab/faults')),
      failNext: async (count, status, opts = {}) =>
        void (await call('PUT', '/_lab/faults', {
          rules: [{ route: opts.route ?? '*', fault: status, count, ...(opts.retryAfter !== undefined ? { retryAfter: opts.retryAfter } : {}) }],
        })),
    };
  }

  /** `{ status: 'ok' }` once the mock answers. */
  health(): Promise<{ status: string }> {
    return labCall(this.url, 'GET', '/_lab/health', undefined, this.adminToken);
  }

  /** Every table with its row count and typed columns. */
  tables(): Promise<TableInfo[]> {
    return labCall(this.url, 'GET', '/_lab/tables', undefined, this.adminToken);
  }

  /** Rows of `table` in insertion order (column name → value); [] for a table that does not exist yet. */
  async rows(table: string, opts: { limit?: number; offset?: number } = {}): Promise<Record<string, unknown>[]> {
    const tables = await this.tables();
    if (!tables.some((t) => t.name === table)) return [];
    const q = new URLSearchParams({ limit: String(opts.limit ?? 1000), offset: String(opts.offset ?? 0) });
    return labCall(this.url, 'GET', `/_lab/tables/${encodeURIComponent(table)}/rows?${q}`, undefined, this.adminToken);
  }

  /** The audit log, newest last: every request with its status, error code and injected fault. */
  requests(opts: { limit?: number } = {}): Promise<AuditEntry[]> {
    return labCall(this.url, 'GET', `/_lab/requests?limit=${opts.limit ?? 1000}`, undefined, this.adminToken);
  }

  /** Empties the workspace (DELETE /_lab/tables). */
  async clearTables(): Promise<void> {
    await labCall(this.url, 'DELETE', '/_lab/tables', undefined, this.adminToken);
  }

  /** The loaded data collection rules and their streams. */
  dcrs(): Promise<unknown[]> {
    return labCall(this.url, 'GET', '/_lab/dcrs', undefined, this.adminToken);
  }
}
