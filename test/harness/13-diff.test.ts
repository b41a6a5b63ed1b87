// Issue 13: dtlab diff A.json B.json — what changed between two runs' reports, as text or JSON; exit 1
// when an expectation that passed in A fails in B.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { command } from '../../harness/commands/diff.ts';

const A = fileURLToPath(new URL('./fixtures/diff-a.json', import.meta.url));
const B = fileURLToPath(new URL('./fixtures/diff-b.json', import.meta.url));

async function dtlabDiff(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await command.run(args), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('dtlab diff', () => {
  it('lists expectations that turned, with their measurements, and the figures that changed with deltas; exits 1 on a regression', async () => {
    const { code, out } = await dtlabDiff(A, B);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines).toContain('scenario load: PASS → FAIL');
    expect(lines).toContain('  REGRESSED  landed: Policy Breach: ok 600 → FAIL 597');
    expect(lines).toContain('  fixed      latency p99: FAIL 620ms → ok 410ms');
    expect(lines).toContain('  removed    throughput: ok 104.2 rows/s → —');
    expect(lines).toContain('  added      rejected requests (not injected): — → ok 0');
    expect(lines.find((l) => l.includes('latency.p99 ms'))).toMatch(/^\s+latency\.p99 ms\s+460 → 410\s+-50$/);
    expect(lines.find((l) => l.includes('alerts.Policy Breach.lost'))).toMatch(/0 → 3\s+\+3$/);
    // Figures that did not change are not listed.
    expect(out).not.toContain('Antigena Email');
    expect(lines).toContain('scenario only-in-a: PASS → absent (only in A)');
    expect(lines.at(-2)).toBe('REGRESSED: 2 expectation(s) that passed in A fail in B');
  });

  it('--json gives the same comparison as data', async () => {
    const { code, out } = await dtlabDiff('--json', A, B);
    expect(code).toBe(1);
    const d = JSON.parse(out);
    expect(d.regressed).toBe(true);
    const load = d.scenarios.find((s: { scenario: string }) => s.scenario === 'load');
    expect(load.expectations.filter((e: { change: string }) => e.change === 'regressed').map((e: { name: string }) => e.name)).toEqual(['landed: Policy Breach', 'duplicates']);
    expect(load.changes).toContainEqual({ key: 'latency.p50 ms', a: 130, b: 140, delta: 10 });
  });

  it('exits 0 when nothing that passed fails: a run against itself', async () => {
    const { code, out } = await dtlabDiff(A, A);
    expect(code).toBe(0);
    expect(out).toContain('scenario load: PASS → PASS\n  no change');
    expect(out.trimEnd().split('\n').at(-1)).toBe('no regression: nothing that passed in A fails in B');
  });

  it('the other way round, fixes are listed and what passed in B and fails in A is the regression', async () => {
    const { code, out } = await dtlabDiff(B, A);
    expect(code).toBe(1);
    expect(out).toContain('  fixed      landed: Policy Breach: FAIL 597 → ok 600');
    expect(out).toContain('  REGRESSED  latency p99: ok 410ms → FAIL 620ms');
  });

  it('exits 2 naming a file that is not a run report', async () => {
    const { code, err } = await dtlabDiff(A, fileURLToPath(new URL('../../package.json', import.meta.url)));
    expect(code).toBe(2);
    expect(err).toMatch(/package\.json: not a dtlab run report/);
    expect((await dtlabDiff(A)).code).toBe(2);
  });
});
