// Typed access to query (or form/JSON body) parameters, answering bad values with the API's
// INPUT ERROR. Parameter names are matched case-sensitively, as the API documents them.
import { inputError } from './errors/errors.ts';

export class Params {
  private readonly values = new Map<string, string[]>();

  constructor(entries: Iterable<[string, string]>) {
    for (const [k, v] of entries) {
      const list = this.values.get(k);
      if (list) list.push(v);
      else this.values.set(k, [v]);
    }
  }

  static fromQuery(rawQuery: string): Params {
    return new Params(new URLSearchParams(rawQuery));
  }

  static fromObject(obj: Record<string, unknown>): Params {
    const entries: [string, string][] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (Array.isArray(v)) for (const x of v) entries.push([k, String(x)]);
      else if (v !== undefined && v !== null) entries.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
    }
    return new Params(entries);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  str(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.str(name);
    if (v === undefined || v === '') return fallback;
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    throw inputError(`Parameter ${name} must be true or false`);
  }

  num(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw inputError(`Parameter ${name} must be a number`);
    return n;
  }

  int(name: string): number | undefined {
    const n = this.num(name);
    if (n !== undefined && !Number.isInteger(n)) throw inputError(`Parameter ${name} must be an integer`);
    return n;
  }

  /** Comma-separated or repeated integers. */
  ints(name: string): number[] | undefined {
    const raw = this.all(name);
    if (raw.length === 0) return undefined;
    const out: number[] = [];
    for (const part of raw.flatMap((r) => r.split(','))) {
      if (part.trim() === '') continue;
      const n = Number(part);
      if (!Number.isInteger(n)) throw inputError(`Parameter ${name} must be a list of integers`);
      out.push(n);
    }
    return out;
  }

  /**
   * An epoch time: milliseconds, or seconds when the value is below 10^11 (XSOAR's event collector
   * sends seconds; a policy the simulator documents).
   */
  epoch(name: string, secondsHeuristic: boolean): number | undefined {
    const n = this.num(name);
    if (n === undefined) return undefined;
    return secondsHeuristic && Math.abs(n) < 1e11 ? n * 1000 : n;
  }

  /** `from`/`to`: `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, or ISO-8601 (UTC unless an offset is given). */
  dateString(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(v.trim());
    if (!m) throw inputError(`Parameter ${name} must be a date in the format YYYY-MM-DD HH:MM:SS`);
    let ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) + Number(((m[7] ?? '') + '000').slice(0, 3));
    const offset = m[8];
    if (offset && offset.toUpperCase() !== 'Z') {
      const sign = offset.startsWith('-') ? -1 : 1;
      const digits = offset.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
    if (!Number.isFinite(ms)) throw inputError(`Parameter ${name} is not a valid date`);
    return ms;
  }
}
