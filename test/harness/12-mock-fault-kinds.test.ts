// Issue 12: the mock's new faults as scenario fault kinds. mock.storeThenDrop stores a batch and
// drops the connection: the connector re-sends data that landed, so the duplicates are counted and
// bounded by the dropped batches; mock.roleMissing only makes sense for the Logs Ingestion sink.
import { describe, expect, it } from 'vitest';
import { formatError, parseScenario } from '../../harness/scenario/load.ts';
import { failures, runLibraryScenario } from './scenario-runner.ts';

describe('scenario fault kinds for the mock faults of issue 12', () => {
  it('fault-stored-then-dropped: two dropped answers, nothing lost, the duplicates they cause counted (one re-sent batch each)', async () => {
    const r = await runLibraryScenario('fault-stored-then-dropped');
    expect(failures(r)).toEqual([]);
    expect(r.requests.byStatus['0']).toBe(2);
    // Which two batches the drops hit (8 breaches, 4 emails, 8 breaches) depends on how the connector
    // batched them, so the duplicates are bounded across types, not pinned to one.
    const types = Object.values(r.alerts);
    for (const t of types) expect(t).toMatchObject({ landed: t.generated, lost: 0 });
    const duplicates = types.reduce((sum, t) => sum + t.duplicates, 0);
    expect(duplicates).toBeGreaterThanOrEqual(2);
    expect(duplicates).toBeLessThanOrEqual(16);
  });

  it('mock.roleMissing is accepted for the Logs Ingestion sink and refused, with the key path, for the Data Collector sink', () => {
    const ok = parseScenario('name: t\nduration: 1m\ntopology: { sink: logsIngestion }\nfaults:\n  - { at: 5s, fault: mock.roleMissing, for: 20s }\n', 'x.yaml');
    expect(ok.ok && ok.scenario.faults[0]).toMatchObject({ fault: 'mock.roleMissing', atMs: 5000, forMs: 20_000 });
    const bad = parseScenario('name: t\nduration: 1m\nfaults:\n  - { at: 5s, fault: mock.roleMissing }\n', 'x.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map(formatError).join('\n')).toMatch(/faults\[0\]\.fault.*Logs Ingestion sink/);
    const extra = parseScenario('name: t\nduration: 1m\ntopology: { sink: logsIngestion }\nfaults:\n  - { at: 5s, fault: mock.roleMissing, status: 403 }\n', 'x.yaml');
    expect(extra.ok).toBe(false);
  });
});
