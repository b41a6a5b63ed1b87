import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';

const stores: WorkspaceStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function open(path?: string): Promise<WorkspaceStore> {
  const store = await WorkspaceStore.open(path);
  stores.push(store);
  return store;
}

/** A table whose `k_s` is NOT NULL: a constraint the store does not know about, so DuckDB refuses a batch without `k_s` at flush time. */
async function notNullKeyTable(store: WorkspaceStore, name: string): Promise<void> {
  await store.ensureTable(name, [
    { name: 'k_s', type: 'string' },
    { name: 'v_d', type: 'double' },
  ]);
  // White-box: the constraint goes on the table's first part (the physical table behind its view).
  await store.runSql(`ALTER TABLE __table_parts."${store.parts(name)[0]!.name}" ALTER COLUMN "k_s" SET NOT NULL`);
}

/** Three small batches queued together (one shared flush): 'a' rows, a batch without `k_s`, 'b' rows. */
function insertGoodBadGood(store: WorkspaceStore, name: string) {
  const good = (k: string) => ({ rowCount: 2, names: ['k_s', 'v_d'], values: [[k, k], [1, 2]] });
  return Promise.allSettled([
    store.insertBatch(name, good('a')),
    store.insertBatch(name, { rowCount: 2, names: ['v_d'], values: [[3, 4]] }),
    store.insertBatch(name, good('b')),
  ]);
}

describe('workspace store (DuckDB contract of decision 0001)', () => {
  it('maps every Log Analytics type to its DuckDB type and renders rows as admin JSON', async () => {
    const store = await open();
    await store.ensureTable('T_CL', [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'TenantId', type: 'guid' },
      { name: 's', type: 'string' },
      { name: 'd', type: 'double' },
      { name: 'b', type: 'boolean' },
      { name: 'i', type: 'int' },
      { name: 'l', type: 'long' },
      { name: 'j', type: 'dynamic' },
    ]);
    await store.insertRows('T_CL', [
      {
        TimeGenerated: '2024-01-15T09:30:00Z',
        TenantId: '97CE69D9B4BE42418DBDD265EDCF06C4',
        s: 'x',
        d: 1.5,
        b: true,
        i: 7,
        l: 9007199254740991,
        j: { a: [1, 2] },
      },
      { s: 'only' },
    ]);
    const catalog = await store.runSql(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'T_CL' ORDER BY column_index`,
    );
    expect(catalog.rows).toEqual([
      ['__IngestionTime', 'TIMESTAMP WITH TIME ZONE'], // hidden: each row's ingestion time (NRT rules)
      ['TimeGenerated', 'TIMESTAMP WITH TIME ZONE'],
      ['TenantId', 'UUID'],
      ['s', 'VARCHAR'],
      ['d', 'DOUBLE'],
      ['b', 'BOOLEAN'],
      ['i', 'INTEGER'],
      ['l', 'BIGINT'],
      ['j', 'JSON'],
      ['rowid', 'BIGINT'], // hidden: each row's place in insertion order (the view's stand-in for DuckDB's rowid)
    ]);
    expect(await store.rows('T_CL')).toEqual([
      {
        TimeGenerated: '2024-01-15T09:30:00.000Z',
        TenantId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4',
        s: 'x',
        d: 1.5,
        b: true,
        i: 7,
        l: 9007199254740991,
        j: { a: [1, 2] },
      },
      { TimeGenerated: null, TenantId: null, s: 'only', d: null, b: null, i: null, l: null, j: null },
    ]);
    expect(await store.listTables()).toEqual([
      {
        name: 'T_CL',
        rowCount: 2,
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'TenantId', type: 'guid' },
          { name: 's', type: 'string' },
          { name: 'd', type: 'double' },
          { name: 'b', type: 'boolean' },
          { name: 'i', type: 'int' },
          { name: 'l', type: 'long' },
          { name: 'j', type: 'dynamic' },
        ],
      },
    ]);
  });

  it('adds columns in creation order and refuses a name reused with another type', async () => {
    const store = await open();
    await store.ensureTable('A_CL', [{ name: 'x_s', type: 'string' }]);
    await store.addColumns('A_CL', [{ name: 'x_d', type: 'double' }]);
    expect(store.columns('A_CL')).toEqual([
      { name: 'x_s', type: 'string' },
      { name: 'x_d', type: 'double' },
    ]);
    await expect(store.addColumns('A_CL', [{ name: 'x_d', type: 'string' }])).rejects.toThrow(/exists as double/);
    await expect(store.insertRows('A_CL', [{ nope: 1 }])).rejects.toThrow(/no column nope/);
  });

  it('pages rows with limit and offset in insertion order', async () => {
    const store = await open();
    await store.ensureTable('P_CL', [{ name: 'n_d', type: 'double' }]);
    await store.insertRows('P_CL', Array.from({ length: 10 }, (_, i) => ({ n_d: i })));
    expect((await store.rows('P_CL', 3, 4)).map((r) => r.n_d)).toEqual([4, 5, 6]);
  });

  it('serialises concurrent schema changes and inserts on one table', async () => {
    const store = await open();
    await store.ensureTable('C_CL', [{ name: 'TimeGenerated', type: 'datetime' }]);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.withTableLock('C_CL', async () => {
          const name = `f${i % 5}_d`;
          await store.addColumns('C_CL', [{ name, type: 'double' }]);
          await store.insertRows('C_CL', [{ [name]: i }]);
        }),
      ),
    );
    expect(await store.rowCount('C_CL')).toBe(20);
    expect(store.columns('C_CL')!.map((c) => c.name)).toEqual(['TimeGenerated', 'f0_d', 'f1_d', 'f2_d', 'f3_d', 'f4_d']);
  });

  it('keeps rows and schema in a database file across a close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dtlab-store-'));
    try {
      const path = join(dir, 'ws.duckdb');
      const first = await WorkspaceStore.open(path);
      await first.ensureTable('K_CL', [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'k_g', type: 'guid' },
      ]);
      await first.insertRows('K_CL', [{ TimeGenerated: new Date('2024-01-01T00:00:00Z'), k_g: '8145d82213a744ad859c36f31a84f6dd' }]);
      await first.close();
      const second = await open(path);
      expect(second.columns('K_CL')).toEqual([
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'k_g', type: 'guid' },
      ]);
      expect(await second.rows('K_CL')).toEqual([
        { TimeGenerated: '2024-01-01T00:00:00.000Z', k_g: '8145d822-13a7-44ad-859c-36f31a84f6dd' },
      ]);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('datetimes keep microseconds and offsets; values that do not convert are stored as null', async () => {
    const store = await open();
    await store.ensureTable('V_CL', [
      { name: 't', type: 'datetime' },
      { name: 'g', type: 'guid' },
      { name: 'd', type: 'double' },
    ]);
    await store.insertRows('V_CL', [
      { t: '2024-01-15T10:30:00.123456+01:00', g: '8145D82213A744AD859C36F31A84F6DD', d: '2.5' },
      { t: '2024-01-15T09:30:00.000001Z', g: 'not-a-guid', d: 'abc' },
      { t: 'yesterday', g: 42, d: true },
    ]);
    const micros = await store.runSql(`SELECT epoch_us(t)::VARCHAR FROM "V_CL" ORDER BY rowid`);
    const nineThirty = Date.UTC(2024, 0, 15, 9, 30) * 1000;
    expect(micros.rows).toEqual([[String(nineThirty + 123456)], [String(nineThirty + 1)], [null]]);
    expect(await store.rows('V_CL')).toEqual([
      { t: '2024-01-15T09:30:00.123Z', g: '8145d822-13a7-44ad-859c-36f31a84f6dd', d: 2.5 },
      { t: '2024-01-15T09:30:00.000Z', g: null, d: null },
      { t: null, g: null, d: null },
    ]);
  });

  it('a 300-row batch keeps offsets, microseconds, quotes and JSON; one bad value is null, not a failed batch', async () => {
    const store = await open();
    await store.ensureTable('B_CL', [
      { name: 't', type: 'datetime' },
      { name: 'g', type: 'guid' },
      { name: 's', type: 'string' },
      { name: 'j', type: 'dynamic' },
      { name: 'b', type: 'boolean' },
    ]);
    const good = Array.from({ length: 300 }, (_, i) => ({
      t: i % 2 ? '2024-01-15T10:30:00.123456+01:00' : new Date(Date.UTC(2024, 0, 15, 9, 30)),
      g: '8145d822-13a7-44ad-859c-36f31a84f6dd',
      s: `row ${i} "quoted" \n ✓`,
      j: { i, list: [1, 'x'] },
      b: i % 3 === 0,
    }));
    await store.insertRows('B_CL', good);
    const rows = await store.rows('B_CL', 2, 0);
    expect(rows).toEqual([
      { t: '2024-01-15T09:30:00.000Z', g: '8145d822-13a7-44ad-859c-36f31a84f6dd', s: 'row 0 "quoted" \n ✓', j: { i: 0, list: [1, 'x'] }, b: true },
      { t: '2024-01-15T09:30:00.123Z', g: '8145d822-13a7-44ad-859c-36f31a84f6dd', s: 'row 1 "quoted" \n ✓', j: { i: 1, list: [1, 'x'] }, b: false },
    ]);
    const micros = await store.runSql(`SELECT epoch_us(t)::VARCHAR FROM "B_CL" ORDER BY rowid LIMIT 2`);
    expect(micros.rows[1]).toEqual([String(Date.UTC(2024, 0, 15, 9, 30) * 1000 + 123456)]);
    const bad = good.map((row, i) => (i === 150 ? { ...row, g: 'not-a-guid' } : row));
    await store.insertRows('B_CL', bad);
    expect(await store.rowCount('B_CL')).toBe(600);
    const [badRow] = await store.rows('B_CL', 1, 450);
    expect(badRow!.g).toBeNull();
  });

  it('a batch larger than one data chunk (2048 rows) lands whole, in order, nulls and types kept across chunk edges', async () => {
    const store = await open();
    await store.ensureTable('C_CL', [
      { name: 'n', type: 'long' },
      { name: 's', type: 'string' },
      { name: 'd', type: 'double' },
      { name: 'g', type: 'guid' },
      { name: 't', type: 'datetime' },
    ]);
    const rows = Array.from({ length: 5000 }, (_, n) => ({
      n,
      s: n % 3 === 0 ? null : `row ${n}`,
      d: n % 5 === 0 ? 'not a number' : n / 2,
      g: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
      t: new Date(Date.UTC(2024, 0, 1) + n * 1000),
    }));
    expect(await store.insertRows('C_CL', rows)).toBe(5000);
    expect(await store.rowCount('C_CL')).toBe(5000);
    for (const n of [0, 2047, 2048, 2049, 4095, 4096, 4999]) {
      const [row] = await store.rows('C_CL', 1, n);
      expect(row).toEqual({
        n,
        s: n % 3 === 0 ? null : `row ${n}`,
        d: n % 5 === 0 ? null : n / 2,
        g: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
        t: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
      });
    }
  });

  it('small batches (row by row) and large ones (data chunks) store the same values for every conversion', async () => {
    const store = await open();
    const columns = [
      { name: 't', type: 'datetime' as const },
      { name: 'g', type: 'guid' as const },
      { name: 's', type: 'string' as const },
      { name: 'd', type: 'double' as const },
      { name: 'b', type: 'boolean' as const },
      { name: 'i', type: 'int' as const },
      { name: 'l', type: 'long' as const },
      { name: 'j', type: 'dynamic' as const },
    ];
    await store.ensureTable('Small_CL', columns);
    await store.ensureTable('Large_CL', columns);
    const edge = [
      { t: '2024-01-15T11:30:00.123456+02:00', g: '97CE69D9B4BE42418DBDD265EDCF06C4', s: { a: 1 }, d: '2.5', b: 'true', i: '42', l: '9007199254740991', j: [1, { x: 'y' }] },
      { t: 1705311000000, g: 'not a guid', s: 7, d: 'x', b: 'yes', i: 1.9, l: 'x', j: 'text' },
      { t: 'not a date', g: null, s: null, d: null, b: false, i: null, l: -3, j: null },
      { t: new Date('2024-01-15T09:30:00.000Z'), g: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', s: 'plain', d: 1e300, b: null, i: -7, l: 12.7, j: { nested: { deep: true } } },
    ];
    for (const row of edge) await store.insertRows('Small_CL', [row]);
    const large = Array.from({ length: 100 }, (_, n) => edge[n % edge.length]!);
    await store.insertRows('Large_CL', large);
    const small = await store.rows('Small_CL', 10);
    const chunked = await store.rows('Large_CL', 4);
    expect(chunked).toEqual(small);
    expect(small[0]).toMatchObject({ t: '2024-01-15T09:30:00.123Z', g: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', s: '{"a":1}', d: 2.5, b: true, i: 42, l: 9007199254740991 });
    expect(small[1]).toMatchObject({ t: '2024-01-15T09:30:00.000Z', g: null, s: '7', d: null, b: null, i: 1, l: null });
  });

  it('string columns: short, non-ASCII, repeated and unique strings land exactly as sent, across chunk edges', async () => {
    const store = await open();
    const columns = [
      { name: 's', type: 'string' as const },
      { name: 'j', type: 'dynamic' as const },
    ];
    await store.ensureTable('Strings_CL', columns);
    const samples = [
      '',
      'a',
      'twelve chars',
      'thirteen char',
      'héllo',
      '日本語',
      'tab\tand\nnewline',
      'a\u0000b',
      '🦆 duck',
      'Compromise::Beaconing Activity To External Rare',
      null,
    ];
    // 5,000 rows: every sample repeated (reused entries), plus a unique long string every third row.
    const rows = Array.from({ length: 5000 }, (_, n) => ({
      s: n % 3 === 0 ? `https://darktrace-dt-7996-01/#modelbreach/${n}` : samples[n % samples.length],
      j: n % 7 === 0 ? null : { n: n % 4, tag: samples[n % 5] },
    }));
    await store.insertRows('Strings_CL', rows);
    const stored = await store.rows('Strings_CL', 5000);
    // Row by row (the appender's own string calls) is the reference for what DuckDB keeps.
    await store.ensureTable('StringsRef_CL', columns);
    for (const n of [0, 1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19, 2047, 2048, 2049, 4095, 4096, 4999]) {
      await store.insertRows('StringsRef_CL', [rows[n]!]);
      const [reference] = await store.rows('StringsRef_CL', 1, (await store.rowCount('StringsRef_CL')) - 1);
      expect(stored[n], `row ${n}`).toEqual(reference);
    }
    expect(stored.map((r) => r.s)).toEqual(rows.map((r) => (r.s === 'a\u0000b' ? stored[7]!.s : r.s)));
    expect(stored[1]!.s).toBe('a');
    expect(stored[2]!.s).toBe('twelve chars');
    expect(stored[3]!.s).toBe('https://darktrace-dt-7996-01/#modelbreach/3');
    expect(stored[4]!.s).toBe('héllo');
    expect(stored[10]!.s).toBeNull();
    expect(stored[9]!.j).toEqual({ n: 1, tag: 'héllo' });
    expect(stored[14]!.j).toBeNull();
  });

  it('batches queued together share one flush, land in call order, and a schema change between them waits for the earlier ones', async () => {
    const store = await open();
    await store.ensureTable('G_CL', [{ name: 'n_d', type: 'double' }]);
    const before = { ...store.writeStats };
    const batch = (from: number) => ({ rowCount: 10, names: ['n_d'], values: [Array.from({ length: 10 }, (_, i) => from + i)] });
    // Not awaited one by one: four requests arriving together.
    const stored = await Promise.all([0, 10, 20, 30].map((from) => store.insertBatch('G_CL', batch(from))));
    expect(stored).toEqual([10, 10, 10, 10]);
    expect(store.writeStats.batches - before.batches).toBe(4);
    expect(store.writeStats.flushes - before.flushes).toBe(1);
    const first = store.insertBatch('G_CL', batch(40));
    const evolve = store.addColumns('G_CL', [{ name: 'm_s', type: 'string' }]);
    const second = evolve.then(() => store.insertBatch('G_CL', { rowCount: 1, names: ['n_d', 'm_s'], values: [[50], ['after']] }));
    await Promise.all([first, evolve, second]);
    const rows = await store.rows('G_CL', 100);
    expect(rows.map((r) => r.n_d)).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect(rows.at(-1)).toEqual({ n_d: 50, m_s: 'after' });
  });

  it('a batch that fails in a shared flush fails alone: the batches grouped with it are stored', async () => {
    const store = await open();
    await notNullKeyTable(store, 'F_CL');
    const results = await insertGoodBadGood(store, 'F_CL');
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/i);
    expect((await store.rows('F_CL', 10)).map((r) => r.k_s)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('a small batch queued before a large one lands before it (the large one flushes alone)', async () => {
    const store = await open();
    await store.ensureTable('O_CL', [{ name: 'n_d', type: 'double' }]);
    const batch = (from: number, n: number) => ({ rowCount: n, names: ['n_d'], values: [Array.from({ length: n }, (_, i) => from + i)] });
    // Two requests arriving together: 10 records (appended row by row), then 100 (as data chunks).
    await Promise.all([store.insertBatch('O_CL', batch(0, 10)), store.insertBatch('O_CL', batch(10, 100))]);
    expect((await store.rows('O_CL', 200)).map((r) => r.n_d)).toEqual(Array.from({ length: 110 }, (_, i) => i));
  });

  it('a failing in-memory checkpoint settles every batch and leaves the store writable', async () => {
    const store = await open();
    await notNullKeyTable(store, 'K2_CL');
    // White-box fault: a checkpoint after every row, and the first one throws.
    const saved = WorkspaceStore.checkpointEveryRows;
    WorkspaceStore.checkpointEveryRows = 1;
    try {
      const writer = (store as unknown as { writer: { run: (sql: string) => Promise<unknown> } }).writer;
      const run = writer.run.bind(writer);
      let failed = false;
      writer.run = async (sql: string) => {
        if (sql === 'CHECKPOINT' && !failed) {
          failed = true;
          throw new Error('injected checkpoint failure');
        }
        return run(sql);
      };
      // The middle batch fails the shared flush, so each is stored alone, with a checkpoint after each.
      const results = await insertGoodBadGood(store, 'K2_CL');
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(store.writeStats.checkpointFailures).toBe(1);
      await store.addColumns('K2_CL', [{ name: 'z_s', type: 'string' }]);
      expect((await store.rows('K2_CL', 10)).map((r) => r.k_s)).toEqual(['a', 'a', 'b', 'b']);
    } finally {
      WorkspaceStore.checkpointEveryRows = saved;
    }
  });

  it('clear() empties the workspace', async () => {
    const store = await open();
    await store.ensureTable('Z_CL', [{ name: 'a_s', type: 'string' }]);
    await store.clear();
    expect(await store.listTables()).toEqual([]);
  });
});
