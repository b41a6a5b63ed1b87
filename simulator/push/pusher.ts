// Push mode: POSTs each alert as it happens to a URL, as Darktrace's HTTPS (JSON) workflow
// integration does. One ordered queue per alert type (bounded); one request in flight per type;
// retries with exponential backoff (honouring Retry-After) until delivered, so order per type holds.
import type { EventEmitter } from 'node:events';
import { ALERT_TYPES, type AlertType } from '../types.ts';
import type { EmittedAlert } from '../engine/engine.ts';

export type PushFormat = 'envelope' | 'raw';

export interface PushTarget {
  url: string;
  /** Sent as `Authorization: Bearer <token>` (omitted when empty). */
  token?: string;
  /** Alert types to push (default all four). */
  types?: AlertType[];
  /** 'envelope' (default): `{"type": "<alertType>", "alert": {…}}`; 'raw': the alert JSON alone. */
  format?: PushFormat;
  /** Alerts held per type before new ones are dropped (default 10000). */
  maxQueue?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
}

interface Item {
  type: AlertType;
  id: string;
  body: string;
  attempts: number;
}

export class Pusher {
  private readonly queues = new Map<AlertType, Item[]>();
  private readonly busy = new Set<AlertType>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats = { delivered: 0, retried: 0, failed: 0, dropped: 0 };

  constructor(
    readonly target: PushTarget,
    private readonly events: EventEmitter,
  ) {
    new URL(target.url);
    for (const t of target.types ?? ALERT_TYPES) this.queues.set(t, []);
  }

  enqueue(e: EmittedAlert): void {
    const queue = this.queues.get(e.type);
    if (!queue || this.closed) return;
    if (queue.length >= (this.target.maxQueue ?? 10_000)) {
      this.stats.dropped++;
      this.events.emit('push:dropped', { url: this.target.url, type: e.type, id: e.id });
      return;
    }
    const body = (this.target.format ?? 'envelope') === 'raw' ? JSON.stringify(e.alert) : JSON.stringify({ type: e.type, alert: e.alert });
    queue.push({ type: e.type, id: e.id, body, attempts: 0 });
    if (!this.busy.has(e.type)) void this.drain(e.type);
  }

  /** Number of alerts waiting (or in flight). */
  pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves when every queue is empty. */
  idle(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(type: AlertType): Promise<void> {
    this.busy.add(type);
    const queue = this.queues.get(type)!;
    let backoff = this.target.initialBackoffMs ?? 250;
    while (queue.length > 0 && !this.closed) {
      const item = queue[0]!;
      item.attempts++;
      const outcome = await this.send(item);
      if (this.closed) break;
      if (outcome.ok) {
        queue.shift();
        backoff = this.target.initialBackoffMs ?? 250;
        this.stats.delivered++;
        this.events.emit('push:delivered', { url: this.target.url, type, id: item.id, status: outcome.status, attempts: item.attempts });
        continue;
      }
      if (outcome.permanent) {
        queue.shift();
        this.stats.failed++;
        this.events.emit('push:failed', { url: this.target.url, type, id: item.id, status: outcome.status, error: outcome.error, attempts: item.attempts });
        continue;
      }
      const delay = Math.min(outcome.retryAfterMs ?? backoff, this.target.maxBackoffMs ?? 30_000);
      backoff = Math.min(backoff * 2, this.target.maxBackoffMs ?? 30_000);
      this.stats.retried++;
      this.events.emit('push:retry', { url: this.target.url, type, id: item.id, status: outcome.status, error: outcome.error, attempts: item.attempts, delayMs: delay });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, delay);
        this.timers.add(timer);
      });
    }
    this.busy.delete(type);
    if (this.pending() === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async send(item: Item): Promise<{ ok: boolean; permanent?: boolean; status?: number; error?: string; retryAfterMs?: number }> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), this.target.timeoutMs ?? 10_000);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-darktrace-alert-type': item.type };
      if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
      const res = await fetch(this.target.url, { method: 'POST', headers, body: item.body, signal: controller.signal });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      const retryAfter = res.headers.get('retry-after');
      const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
      // 408, 429 and 5xx are transient; any other 4xx means this alert will never be accepted.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      return { ok: false, permanent, status: res.status, error: `HTTP ${res.status}`, retryAfterMs };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
