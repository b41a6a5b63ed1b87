// The one identity key per alert, which every dedupe compares: the pollers' overlap dedupe (on the
// raw API object, before mapping), the intake's cross-source dedupe (poll and push), the keys the
// spool stores and the restart paths read back. One function formats it, so the three never drift.
import type { AlertType } from '../config/types.ts';
import { isObject, optNumber } from './fields.ts';

const PREFIX: Record<AlertType, string> = {
  'Policy Breach': 'pb:',
  'AI Analyst': 'aia:',
  'System Alert': 'sys:',
  'Antigena Email': 'email:',
  'Response Action': 'ra:',
  ASM: 'asm:',
  'Email Release': 'rel:',
};

/** Every key of this type starts with it (the spool's `keysAfter` filter). */
export function keyPrefix(type: AlertType): string {
  return PREFIX[type];
}

/**
 * The type a spooled record's key names (its prefix), without decoding the record; undefined for a
 * key of no known form. Lets the delivery side route a record by type at the cost of a prefix test.
 */
export function typeOfKey(key: string): AlertType | undefined {
  for (const [type, prefix] of Object.entries(PREFIX)) if (key.startsWith(prefix)) return type as AlertType;
  return undefined;
}

/**
 * The identity key from the values that identify the alert: `pb:<pbid>`, `aia:<id>`,
 * `sys:<uuid>:<status>:<time>` (a system alert is re-sent on each status change), `email:<uuid>`,
 * `ra:<codeid>:<state>:<time>` (one key per state change), `asm:<id>`, `rel:<id>`.
 */
export function identityKey(type: AlertType, ...parts: Array<string | number>): string {
  return PREFIX[type] + parts.join(':');
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The key of a raw object as the type's API returns it, the same the mapper gives it, or undefined
 * when it carries no identity (the mapper then dead-letters it with the reason). System alerts are
 * push-only: no poller asks.
 */
export function rawAlertKey(type: AlertType, raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  switch (type) {
    case 'Policy Breach': {
      const pbid = optNumber(raw.pbid, NaN);
      return Number.isFinite(pbid) ? identityKey(type, pbid) : undefined;
    }
    case 'AI Analyst':
    case 'ASM':
    case 'Email Release': {
      const id = nonEmpty(raw.id);
      return id === undefined ? undefined : identityKey(type, id);
    }
    case 'Antigena Email': {
      const uuid = nonEmpty(raw.uuid);
      return uuid === undefined ? undefined : identityKey(type, uuid);
    }
    case 'Response Action': {
      const change = raw.change;
      if (typeof raw.codeid !== 'number' || !isObject(change) || typeof change.state !== 'string' || typeof change.time !== 'number') return undefined;
      return identityKey(type, raw.codeid, change.state, change.time);
    }
    case 'System Alert':
      return undefined;
  }
}
