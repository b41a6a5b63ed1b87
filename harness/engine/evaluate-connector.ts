// expect.connector: the connector once the run drained — records still spooled, dead letters (all,
// or those with a reason; a count and/or a share of the alerts generated), and /health.
import type { ConnectorExpectation } from '../scenario/types.ts';
import type { ExpectationResult } from '../reports/model.ts';
import type { ConnectorState } from './observations.ts';
import { boundOf, boundedCount, formatBound, formatRatio, result, withinBound, withinRatio } from './expectation-result.ts';

export function connectorResults(e: ConnectorExpectation, state: ConnectorState | undefined, generated: number): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  if (e.spooled) {
    const n = state?.spooled;
    out.push(boundedCount('connector: records still spooled', n, e.spooled, "the connector's spool could not be read (GET /metrics)", `${n} records are still in the spool; expected ${formatBound(e.spooled)}`));
  }
  for (const d of e.deadLetters ?? []) {
    const name = d.name ?? `connector: dead letters${d.reason ? ` with reason ~ "${d.reason}"` : ''}`;
    const bound = boundOf(d);
    const expected = [bound && formatBound(bound), d.ratio && `${formatRatio(d.ratio)} of ${generated} generated`].filter(Boolean).join(', ') || '≥ 1';
    const reasons = state?.deadLetters;
    if (!reasons) {
      out.push(result(name, false, expected, 'unknown', "the connector's dead-letter file could not be read (only a connector the run starts has one the harness can read)"));
      continue;
    }
    const matching = reasons.filter((r) => d.reason === undefined || r.reason.includes(d.reason));
    const count = matching.reduce((n, r) => n + r.count, 0);
    const share = generated > 0 ? count / generated : 0;
    const ok = (bound ? withinBound(count, bound) : true) && (d.ratio ? generated > 0 && withinRatio(share, d.ratio) : true) && (bound || d.ratio ? true : count >= 1);
    const measured = `${count}${d.ratio ? ` (${+(share * 100).toFixed(2)}% of ${generated})` : ''}`;
    // Why: the reasons that matched (too many) or every reason there was (too few or none).
    const shown = (matching.length ? matching : reasons).slice().sort((a, b) => b.count - a.count);
    out.push(result(name, ok, expected, measured, `${count} dead-lettered${d.reason ? ` with a reason containing "${d.reason}"` : ''}; expected ${expected}`, shown.map((r) => ({ reason: r.reason, count: r.count }))));
  }
  if (e.health) {
    const h = state?.health;
    const want = [e.health.status && `status ${e.health.status}`, e.health.reason && `a reason containing "${e.health.reason}"`].filter(Boolean).join(' with ') || 'answers';
    const ok = h !== undefined && (e.health.status === undefined || h.status === e.health.status) && (e.health.reason === undefined || h.reasons.some((r) => r.includes(e.health!.reason!)));
    const measured = h === undefined ? 'no answer' : `${h.status}${h.reasons.length ? `: ${h.reasons.join('; ')}` : ''}`;
    out.push(result('connector: /health', ok, want, measured, h === undefined ? "the connector's GET /health did not answer" : `GET /health says ${measured}; expected ${want}`, h?.reasons.map((reason) => ({ reason }))));
  }
  return out;
}
