// Small, strict readers for the Darktrace JSON: a missing required field is a MalformedAlertError.
import { MalformedAlertError } from './types.ts';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireNumber(obj: Json, key: string, what: string): number {
  const v = obj[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new MalformedAlertError(`${what}: '${key}' must be a number (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`);
}

export function optNumber(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fallback;
}

export function requireString(obj: Json, key: string, what: string): string {
  const v = obj[key];
  if (typeof v === 'string' && v !== '') return v;
  throw new MalformedAlertError(`${what}: '${key}' must be a non-empty string (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`);
}

export function optString(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}

export function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String) : [];
}

const GUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
export function looksLikeGuid(v: string): boolean {
  return GUID_RE.test(v);
}
