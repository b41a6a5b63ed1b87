// One entry point: raw Darktrace object (any of the four types, or a ready push record) → MappedAlert.
import type { AlertType } from '../config/types.ts';
import { mapAiAnalyst } from './ai-analyst.ts';
import { mapAntigenaEmail } from './antigena-email.ts';
import { detectShape, unwrap } from './detect.ts';
import { isObject } from './fields.ts';
import { mapPolicyBreach } from './policy-breach.ts';
import { acceptPushRecord } from './push-record.ts';
import { mapSystemAlert } from './system-alert.ts';
import { mapAsmFinding, mapEmailRelease, mapResponseAction } from './activity.ts';
import { MalformedAlertError, type MappedAlert, type MappingContext } from './types.ts';

export { MalformedAlertError };
export type { MappedAlert, MappingContext, PushRecord } from './types.ts';

const MAPPERS: Record<AlertType, (a: Record<string, unknown>, ctx: MappingContext) => MappedAlert> = {
  'Policy Breach': mapPolicyBreach,
  'AI Analyst': mapAiAnalyst,
  'System Alert': mapSystemAlert,
  'Antigena Email': mapAntigenaEmail,
  // Only ever the `expected` type of their pollers: no marker or shape detection leads here.
  'Response Action': mapResponseAction,
  ASM: mapAsmFinding,
  'Email Release': mapEmailRelease,
};

/** Maps one alert; `expected` is the type a poller knows it fetched. Throws MalformedAlertError. */
export function mapAlert(item: unknown, ctx: MappingContext, expected?: AlertType): MappedAlert {
  const { alert, marked } = unwrap(item);
  if (!isObject(alert)) throw new MalformedAlertError(`alert must be a JSON object (got ${Array.isArray(alert) ? 'an array' : typeof alert})`);
  const shape = marked ?? expected ?? detectShape(alert);
  if (!shape) {
    throw new MalformedAlertError('cannot tell the alert type: no type marker and none of pbid, aiaScore, alert_name/priority_level, dtime/rcpts, dtProduct');
  }
  if (shape === 'push-record' || (typeof alert.dtProduct === 'string' && !marked && !expected)) return acceptPushRecord(alert);
  return MAPPERS[shape](alert, ctx);
}
