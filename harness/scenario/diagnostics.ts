// What `dtlab validate` reports about a scenario file: one line per finding, FILE:LINE:COL, the key
// path and the reason. Errors stop a run; warnings (things that may be intended, such as a query on a
// column no alert type of the run produces, since sparse tables are legitimate) stop it only with --strict.

export type Severity = 'error' | 'warning';

export interface ScenarioError {
  file: string;
  line: number;
  col: number;
  /** `faults[0].status`; `(root)` for the document itself. */
  path: string;
  reason: string;
  /** Absent means error (findings built before warnings existed). */
  severity?: Severity;
}

export type KeyPath = (string | number)[];

export function formatError(e: ScenarioError): string {
  return `${e.file}:${e.line}:${e.col}  ${e.path}  ${e.severity === 'warning' ? 'warning: ' : ''}${e.reason}`;
}

export function isWarning(e: ScenarioError): boolean {
  return e.severity === 'warning';
}

/** Where the checks report: each finding is placed at the node of `segments` (or at its key `keyOf`). */
export interface Findings {
  error(segments: KeyPath, reason: string, keyOf?: string): void;
  warn(segments: KeyPath, reason: string, keyOf?: string): void;
}

export function keyPath(segments: KeyPath): string {
  if (!segments.length) return '(root)';
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** `"x"` for reasons; long values cut. */
export function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** The known name a misspelt one stands for (the one it begins or ends, or within a third of its length in edits), for "did you mean". */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const prefixed = known.filter((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
