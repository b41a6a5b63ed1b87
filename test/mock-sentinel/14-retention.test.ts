// Issue 14 (the soak): the mock keeps every row by design, so a long run's memory grows with its
// data. With a retention, rows ingested longer ago are deleted (and checkpointed away), so what the
// soak measures is what leaks. These tests check what retention deletes, not memory.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { storeRecords } from './helpers.ts';
import { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function post(store: WorkspaceStore, table: string, records: Record<string, unknown>[]) {
  return storeRecords(store, table, records, new Date(T0));
}

describe('retention', () => {
  it('purgeIngestedBefore deletes exactly the rows ingested before the cutoff, in every table and part', async () => {
    let now = T0;
    const store = await WorkspaceStore.open(':memory:', { now: () => new Date(now) });
    closers.push(() => store.close());
    await post(store, 'old_CL', [{ a: 'x' }, { a: 'y' }, { b: 1 }]);
    await post(store, 'mixed_CL', [{ a: 'x' }]);
    now = T0 + 60_000;
    await post(store, 'mixed_CL', [{ a: 'z' }, { c: true }]);

    const deleted = await store.purgeIngestedBefore(new Date(T0 + 1));

    expect(deleted).toBe(4);
    expect(await store.rowCount('old_CL')).toBe(0);
    expect(await store.rowCount('mixed_CL')).toBe(2);
    expect((await store.rows('mixed_CL')).map((r) => r.a_s ?? null)).toEqual(['z', null]);
    // The parts' own counts follow (they decide merges), and the tables and columns stay.
    expect(store.parts('mixed_CL').reduce((sum, p) => sum + p.rows, 0)).toBe(2);
    expect(store.columns('old_CL')!.map((c) => c.name)).toContain('a_s');
  });

  it('a mock with retentionMs deletes rows once they are older than it, and says so in an event', async () => {
    let now = T0;
    const mock = createMockSentinel({ retentionMs: 1000, now: () => new Date(now) });
    closers.push(() => mock.close());
    await mock.open();
    await post(mock.store, 'kept_CL', [{ a: 'x' }, { a: 'y' }]);

    now = T0 + 5_000;
    let purged = await once(mock.events, 'retention:purged');
    while (purged[0].rows === 0) purged = await once(mock.events, 'retention:purged');

    expect(purged[0]).toEqual({ cutoff: new Date(T0 + 4_000), rows: 2 });
    expect(await mock.store.rowCount('kept_CL')).toBe(0);
  });
});
