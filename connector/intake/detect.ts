// Which of the four alert types a raw Darktrace object is: an explicit marker first, then its shape.
import type { AlertType } from '../config/types.ts';
import { isObject, type Json } from './fields.ts';

export type SourceShape = AlertType | 'push-record';

const MARKERS: Record<string, AlertType> = {
  'policy breach': 'Policy Breach',
  'model breach': 'Policy Breach',
  modelbreach: 'Policy Breach',
  'model-breach': 'Policy Breach',
  'ai analyst': 'AI Analyst',
  aianalyst: 'AI Analyst',
  'ai-analyst': 'AI Analyst',
  incidentevent: 'AI Analyst',
  'system alert': 'System Alert',
  'system-status': 'System Alert',
  systemstatus: 'System Alert',
  systemalert: 'System Alert',
  'system-alert': 'System Alert',
  system: 'System Alert',
  'antigena email': 'Antigena Email',
  email: 'Antigena Email',
  'darktrace-email': 'Antigena Email',
};

export function typeFromMarker(marker: unknown): AlertType | undefined {
  return typeof marker === 'string' ? MARKERS[marker.trim().toLowerCase()] : undefined;
}

/** Unwraps `{ type|alertType: <marker>, alert: {...} }`; returns the alert and the marked type, if any. */
export function unwrap(item: unknown): { alert: unknown; marked?: AlertType } {
  if (isObject(item) && isObject(item.alert)) {
    const marked = typeFromMarker(item.type ?? item.alertType);
    if (marked) return { alert: item.alert, marked };
  }
  return { alert: item };
}

export function detectShape(alert: Json): SourceShape | undefined {
  if (typeof alert.dtProduct === 'string' && typeFromMarker(alert.dtProduct)) return 'push-record';
  if ('pbid' in alert) return 'Policy Breach';
  if ('aiaScore' in alert || ('currentGroup' in alert && 'title' in alert) || ('groupId' in alert && 'title' in alert)) return 'AI Analyst';
  if ('alert_name' in alert || 'priority_level' in alert || ('last_updated' in alert && 'name' in alert)) return 'System Alert';
  if ('dtime' in alert || 'dtime_unix' in alert || 'rcpts' in alert) return 'Antigena Email';
  return undefined;
}
