// System status alert (push-only, darktrace-api.md §5.1) → `System Alert` push record (sentinel-table.md §5.3).
import { proseTimeString } from './time-formats.ts';
import { optString, requireNumber, requireString, type Json } from './fields.ts';
import type { MappedAlert, MappingContext, PushRecord } from './types.ts';
import { identityKey } from './identity.ts';

/** "0 - 40 low, 41 - 60 medium, 61 - 80 high, 81 - 100 critical" (§5.1). */
export function priorityLevel(priority: number): 'low' | 'medium' | 'high' | 'critical' {
  if (priority > 80) return 'critical';
  if (priority > 60) return 'high';
  if (priority > 40) return 'medium';
  return 'low';
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

export function mapSystemAlert(alert: Json, ctx: MappingContext): MappedAlert {
  const uuid = requireString(alert, 'uuid', 'system status alert');
  const name = requireString(alert, 'name', 'system status alert');
  const priority = requireNumber(alert, 'priority', 'system status alert');
  // last_updated is epoch *seconds*, possibly fractional (§9.1).
  const seconds = requireNumber(alert, 'last_updated', 'system status alert');
  const timeMs = Math.round(seconds * 1000);
  const status = capitalise(optString(alert.status, 'active'));
  const record: PushRecord = {
    dtProduct: 'System Alert',
    url: `${ctx.linkBase}/sysstatus?alert=${uuid}`,
    time: proseTimeString(timeMs),
    name,
    friendlyName: optString(alert.alert_name) || name,
    message: optString(alert.message),
    priority_code: priority,
    priority: (optString(alert.priority_level).toLowerCase() || priorityLevel(priority)),
    // SD: priority 71 → severity 8 (0–10 scale, rounded up).
    severity: Math.max(0, Math.min(10, Math.ceil(priority / 10))),
    status,
    hostname: optString(alert.hostname),
    uuid,
    deviceIP: optString(alert.ip_address),
  };
  // The same alert is re-sent on each status change: the key carries status and time.
  return { type: 'System Alert', key: identityKey('System Alert', uuid, status, timeMs), record, timeMs, score: priority };
}
