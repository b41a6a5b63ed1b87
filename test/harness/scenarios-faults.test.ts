// The scenario library, fast part 2: the workspace and connector faults, each observed and survived.
import { describe, it, expect } from 'vitest';
import { runLibraryScenario, failures } from './scenario-runner.ts';
import { rotatedKey } from '../../harness/engine/run-scenario.ts';

describe('scenario library: faults', () => {
  it('fault-429-storm: 429s with Retry-After were injected and everything landed once', async () => {
    const r = await runLibraryScenario('fault-429-storm');
    expect(failures(r)).toEqual([]);
    expect(r.requests.byStatus['429']).toBeGreaterThan(0);
  });

  it('fault-503-outage: 503s were injected and everything landed once', async () => {
    const r = await runLibraryScenario('fault-503-outage');
    expect(failures(r)).toEqual([]);
    expect(r.requests.byStatus['503']).toBeGreaterThan(0);
  });

  it('fault-clock-skew: 403 while skewed are retried as clock skew (nothing dead-lettered), then everything lands', async () => {
    const r = await runLibraryScenario('fault-clock-skew');
    expect(failures(r)).toEqual([]);
    expect(r.requests.byStatus['403']).toBeGreaterThan(0);
    expect(r.connector.deadLettered).toBe(0);
    expect(r.faults.map((f) => f.detail)).toEqual([expect.stringContaining('PUT /debug/clock-skew'), 'clock fixed (skew 0)']);
  });

  it('fault-key-rotation: the secondary key takes over', async () => {
    const r = await runLibraryScenario('fault-key-rotation');
    expect(failures(r)).toEqual([]);
    // The rotation went through the mock's admin API (audited as a 204), not around it.
    expect(r.requests.byStatus['204']).toBe(1);
  });

  it('mock.rotateKey: the new primary key comes from the seed, so a run replays', () => {
    expect(rotatedKey(25, 0)).toBe(rotatedKey(25, 0));
    expect(rotatedKey(25, 0)).not.toBe(rotatedKey(26, 0));
    expect(rotatedKey(25, 0)).not.toBe(rotatedKey(25, 1));
    expect(Buffer.from(rotatedKey(25, 0), 'base64')).toHaveLength(64);
  });

  it('fault-darktrace-errors: auth errors, 503s and slow answers from Darktrace were felt, and the connector caught up', async () => {
    const r = await runLibraryScenario('fault-darktrace-errors');
    expect(failures(r)).toEqual([]);
    const ends = r.faults.filter((f) => f.fault.endsWith(' ends')).map((f) => Number(/after (\d+) /.exec(f.detail)?.[1]));
    expect(ends).toHaveLength(3);
    for (const n of ends) expect(n).toBeGreaterThan(0);
  });

  it('fault-oversized-batch: 404 for size, split, everything lands', async () => {
    const r = await runLibraryScenario('fault-oversized-batch');
    expect(failures(r)).toEqual([]);
  });

  it('fault-malformed-alerts: malformed alerts dead-lettered, the rest lands', async () => {
    const r = await runLibraryScenario('fault-malformed-alerts');
    expect(failures(r)).toEqual([]);
    expect(r.connector.deadLettered).toBe(7);
  });
});
