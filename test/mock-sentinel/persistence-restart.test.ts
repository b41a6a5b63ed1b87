// --db PATH: rows and schema survive a restart of the mock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { columnsOf, postLogs, rowsOf } from './helpers.ts';

it('a restart with the same --db keeps every row and the evolved schema, and evolves it further', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dtlab-db-'));
  const dbPath = join(dir, 'workspace.duckdb');
  try {
    const first = createMockSentinel({ dbPath });
    const { url: url1 } = await first.listen();
    expect((await postLogs(url1, [{ n: 1, m: 2, s: 'a', g: '8145d82213a744ad859c36f31a84f6dd' }], { logType: 'Persist' })).status).toBe(200);
    expect((await postLogs(url1, [{ n: 'x' }], { logType: 'Persist' })).status).toBe(200);
    const before = await columnsOf(url1, 'Persist_CL');
    const rowsBefore = await rowsOf(url1, 'Persist_CL');
    await first.close();

    const second = createMockSentinel({ dbPath });
    const { url: url2 } = await second.listen();
    try {
      expect(await columnsOf(url2, 'Persist_CL')).toEqual(before);
      expect(await rowsOf(url2, 'Persist_CL')).toEqual(rowsBefore);
      // The reloaded schema drives evolution: "9" converts into the existing m_d.
      expect((await postLogs(url2, [{ m: '9', extra: true }], { logType: 'Persist' })).status).toBe(200);
      expect(await columnsOf(url2, 'Persist_CL')).toEqual({ ...before, extra_b: 'boolean' });
      expect((await rowsOf(url2, 'Persist_CL')).map((r) => r.m_d)).toEqual([2, null, 9]);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
