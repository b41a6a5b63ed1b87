// The values a scenario's `inject:` entries build, per alert or record: a literal, or one of the
// generators users need to reproduce what breaks ingestion — a string of a given size, GUID- and
// ISO-date-looking strings, values that change type from one alert to the next. Deterministic: the
// same seed, entry and index give the same value, so a run replays byte for byte.
import { createHash } from 'node:crypto';
import { durationMs } from '../../scenario/units.ts';

/** Where a value is built: which alert or record of the entry, the run's seed, simulated now. */
export interface ValueContext {
  seed: number;
  /** `traffic.inject[2]`: keeps GUIDs of different entries apart. */
  entry: string;
  /** The alert or record's index within the entry. */
  index: number;
  /** Simulated now, epoch ms. */
  simNow: number;
}

const GENERATORS = ['repeat', 'guid', 'isoDate', 'cycle', 'value'] as const;

/** The generator an object stands for, or undefined for a plain object (built key by key). */
function generatorOf(v: object): (typeof GENERATORS)[number] | undefined {
  const keys = Object.keys(v);
  if (keys.length === 2 && keys.includes('repeat') && keys.includes('bytes')) return 'repeat';
  if (keys.length === 1) return GENERATORS.find((g) => g === keys[0] && g !== 'repeat');
  return undefined;
}

/** `unit` repeated to at most `bytes` UTF-8 bytes (whole characters only; exact for ASCII units). */
export function sizedString(unit: string, bytes: number): string {
  if (unit === '') throw new Error('repeat: must not be empty');
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  let out = unit.repeat(Math.floor(bytes / unitBytes));
  // Fill the rest with the unit's leading characters while they fit.
  let left = bytes - Buffer.byteLength(out, 'utf8');
  for (const ch of unit) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (n > left) break;
    out += ch;
    left -= n;
  }
  return out;
}

/** A version-4-shaped GUID from the seed, the path and the index. */
export function guidFor(ctx: ValueContext, path: string): string {
  const h = createHash('sha256').update(`dtlab inject seed=${ctx.seed} ${ctx.entry} ${path} #${ctx.index}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Builds the concrete value of `spec` for one alert or record; `path` names it in errors. */
export function buildValue(spec: unknown, ctx: ValueContext, path: string): unknown {
  if (Array.isArray(spec)) return spec.map((v, i) => buildValue(v, ctx, `${path}[${i}]`));
  if (typeof spec !== 'object' || spec === null) return spec;
  const o = spec as Record<string, unknown>;
  switch (generatorOf(o)) {
    case 'value':
      return structuredClone(o.value);
    case 'repeat':
      return sizedString(String(o.repeat), Number(o.bytes));
    case 'guid':
      return guidFor(ctx, path);
    case 'isoDate':
      return new Date(ctx.simNow + (o.isoDate === true || o.isoDate === 'now' ? 0 : durationMs(o.isoDate as string))).toISOString();
    case 'cycle': {
      const list = o.cycle as unknown[];
      return buildValue(list[ctx.index % list.length], ctx, path);
    }
    default:
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, buildValue(v, ctx, `${path}.${k}`)]));
  }
}

/** The simulator patch of alert `index` of an entry: its `set` values built, its `remove` as given. */
export function alertPatch(set: Record<string, unknown>, remove: string[], ctx: ValueContext): { set?: Record<string, unknown>; remove?: string[] } {
  const built = Object.fromEntries(Object.entries(set).map(([path, spec]) => [path, buildValue(spec, ctx, path)]));
  return { ...(Object.keys(built).length ? { set: built } : {}), ...(remove.length ? { remove } : {}) };
}
