// The scenario library, part 3: the connector as a child process — killed with SIGKILL twice, and
// frozen with SIGSTOP, and a clock skew that must survive a restart.
import { describe, it, expect } from 'vitest';
import { runLibraryScenario, failures } from './scenario-runner.ts';

describe('scenario library: connector process', () => {
  it('fault-kill-9-twice: two SIGKILLs, two restarts, every alert lands', async () => {
    const r = await runLibraryScenario('fault-kill-9-twice');
    expect(failures(r)).toEqual([]);
    expect(r.connector.restarts).toBe(2);
    expect(r.connector.rssMaxBytes).toBeGreaterThan(0);
  });

  it('fault-connector-pause: frozen with SIGSTOP, thawed, caught up; latency shows the freeze', async () => {
    const r = await runLibraryScenario('fault-connector-pause');
    expect(failures(r)).toEqual([]);
    expect(r.faults.map((f) => f.detail)).toEqual(['SIGSTOP for 20s', 'SIGCONT']);
    // 20 simulated seconds at ×20 is a second of wall time frozen: alerts generated then waited for it.
    expect(r.latency.max).toBeGreaterThan(500);
  });

  it('fault-clock-skew-restart: a skew set while the connector is down is applied to the restarted process', async () => {
    const r = await runLibraryScenario('fault-clock-skew-restart');
    expect(failures(r)).toEqual([]);
    expect(r.connector.restarts).toBe(1);
    expect(r.faults[1]!.detail).toContain('applied when it is back');
    expect(r.connector.deadLettered).toBe(0);
  });
});
