// The samples of a failed expectation as text: one line per row, request or alert, `key=value`
// pairs in the order the evaluator gave them (strings quoted only when they hold a space).
import type { Sample } from './model.ts';

export function sampleLine(s: Sample): string {
  return Object.entries(s)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** Every field name of the samples, first-seen order (the columns of the HTML table). */
export function sampleColumns(samples: readonly Sample[]): string[] {
  const out: string[] = [];
  for (const s of samples) for (const k of Object.keys(s)) if (!out.includes(k)) out.push(k);
  return out;
}
