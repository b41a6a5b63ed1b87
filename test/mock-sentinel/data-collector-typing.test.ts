// Column typing, schema evolution and standard columns (azure-ingestion.md A5–A7, A10; sentinel-table.md §2).
import { describe, expect, it } from 'vitest';
import { columnsOf, postLogs, rowsOf, startMock } from './helpers.ts';

const T = 'Typing_CL';
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await postLogs(url, body, { logType: 'Typing', headers });
  expect(res.status, res.text).toBe(200);
}

const STANDARD = {
  TimeGenerated: 'datetime',
  TenantId: 'guid',
  Type: 'string',
  SourceSystem: 'string',
  _ResourceId: 'string',
};

describe('suffix rules', () => {
  it('number → _d, boolean → _b, other string → _s, null omitted', async () => {
    const { url } = await startMock();
    await post(url, [{ n: 4.5, i: 3, b: true, s: 'text', gone: null }]);
    expect(await columnsOf(url, T)).toEqual({ ...STANDARD, n_d: 'double', i_d: 'double', b_b: 'boolean', s_s: 'string' });
    const [row] = await rowsOf(url, T);
    expect(row).toMatchObject({ n_d: 4.5, i_d: 3, b_b: true, s_s: 'text' });
  });

  it('GUID-shaped strings → _g, stored dashed and lower-case, with or without dashes', async () => {
    const { url } = await startMock();
    await post(url, [{ a: '8145d82213a744ad859c36f31a84f6dd', b: '539464E9-DF49-45E9-A9DA-3BEEBE6394E8' }]);
    expect(await columnsOf(url, T)).toMatchObject({ a_g: 'guid', b_g: 'guid' });
    expect((await rowsOf(url, T))[0]).toMatchObject({
      a_g: '8145d822-13a7-44ad-859c-36f31a84f6dd',
      b_g: '539464e9-df49-45e9-a9da-3beebe6394e8',
    });
  });

  it('near-GUIDs stay strings (sentinel-table §2.3)', async () => {
    const { url } = await startMock();
    await post(url, [{
      uuid: '79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
      cSensorID: 'aedd289e-da2d-4a50-b385-260e273c345k',
      currentGroup: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc',
    }]);
    expect(await columnsOf(url, T)).toMatchObject({ uuid_s: 'string', cSensorID_s: 'string', currentGroup_s: 'string' });
  });

  it('ISO-8601 date-times → _t; space-separated, prose, date-only and numeric strings stay _s', async () => {
    const { url } = await startMock();
    await post(url, [{
      iso: '2020-12-15T04:47:29.936',
      isoZ: '2019-09-12T20:00:00.625Z',
      isoOffset: '2024-01-15T10:30:00+01:00',
      breachTime: '2019-08-02 15:52:02',
      startTime: 'Jul 22nd 2020 01:16:33 UTC',
      day: '2024-01-15',
      port: '4000',
      flag: 'true',
    }]);
    expect(await columnsOf(url, T)).toMatchObject({
      iso_t: 'datetime',
      isoZ_t: 'datetime',
      isoOffset_t: 'datetime',
      breachTime_s: 'string',
      startTime_s: 'string',
      day_s: 'string',
      port_s: 'string',
      flag_s: 'string',
    });
    expect((await rowsOf(url, T))[0]).toMatchObject({
      iso_t: '2020-12-15T04:47:29.936Z',
      isoZ_t: '2019-09-12T20:00:00.625Z',
      isoOffset_t: '2024-01-15T09:30:00.000Z',
      port_s: '4000',
    });
  });

  it('nested objects and arrays land as JSON text in _s (default policy nested=json-string)', async () => {
    const { url } = await startMock();
    await post(url, [{ tags: ['Spam'], empty: [], obj: { a: 1, b: [true] } }]);
    expect(await columnsOf(url, T)).toMatchObject({ tags_s: 'string', empty_s: 'string', obj_s: 'string' });
    expect((await rowsOf(url, T))[0]).toMatchObject({ tags_s: '["Spam"]', empty_s: '[]', obj_s: '{"a":1,"b":[true]}' });
  });

  it('policy nested=flatten flattens objects with _ (arrays stay JSON text)', async () => {
    const { url } = await startMock({ dataCollector: { nested: 'flatten' } });
    await post(url, [{ obj: { a: 1, inner: { z: 'q' }, list: [1] } }]);
    expect(await columnsOf(url, T)).toMatchObject({ obj_a_d: 'double', obj_inner_z_s: 'string', obj_list_s: 'string' });
  });
});

describe('unsuffixed standard columns', () => {
  it('Computer, sourceIP, message, category, severity land unsuffixed, matched case-insensitively', async () => {
    const { url } = await startMock();
    await post(url, [{ Computer: 'pc1', ComputerName: 'pc2', sourceIP: '10.0.0.1', message: 'm', category: 'Critical', severity: 10 }]);
    const columns = await columnsOf(url, T);
    expect(columns).toMatchObject({ Computer: 'string', ComputerName_s: 'string', SourceIP: 'string', Message: 'string', Category: 'string', Severity: 'double' });
    for (const wrong of ['SourceIP_s', 'sourceIP_s', 'Message_s', 'message_s', 'Category_s', 'Severity_d', 'severity_d']) {
      expect(columns).not.toHaveProperty(wrong);
    }
    expect((await rowsOf(url, T))[0]).toMatchObject({ Computer: 'pc1', SourceIP: '10.0.0.1', Message: 'm', Category: 'Critical', Severity: 10 });
  });

  it('severity and Severity in one record: the last key wins (default duplicateKeys=last-wins)', async () => {
    const { url } = await startMock();
    await post(url, [{ severity: 10, Severity: 9 }]);
    expect((await rowsOf(url, T))[0]!.Severity).toBe(9);
  });

  it('property names that differ only in case share one column, named by the first spelling seen, in later requests too', async () => {
    const { url } = await startMock();
    await post(url, [{ count: 1, Count: 2, name: 'x' }]);
    await post(url, [{ COUNT: 3, NAME: 'y' }]);
    const columns = await columnsOf(url, T);
    expect(Object.keys(columns).filter((c) => c.toLowerCase() === 'count_d')).toEqual(['count_d']);
    expect(Object.keys(columns).filter((c) => c.toLowerCase() === 'name_s')).toEqual(['name_s']);
    expect((await rowsOf(url, T)).map((r) => [r.count_d, r.name_s])).toEqual([
      [2, 'x'],
      [3, 'y'],
    ]);
  });

  it('duplicateKeys=first-wins keeps the first', async () => {
    const { url } = await startMock({ dataCollector: { duplicateKeys: 'first-wins' } });
    await post(url, [{ severity: 10, Severity: 9 }]);
    expect((await rowsOf(url, T))[0]!.Severity).toBe(10);
  });

  it('the list is configurable', async () => {
    const { url } = await startMock({ dataCollector: { unsuffixedColumns: [{ name: 'Host', type: 'string' }] } });
    await post(url, [{ host: 'h', sourceIP: '1.1.1.1' }]);
    expect(await columnsOf(url, T)).toMatchObject({ Host: 'string', sourceIP_s: 'string' });
  });

  it('a value that does not convert to the standard column type takes a suffixed column', async () => {
    const { url } = await startMock();
    await post(url, [{ severity: 'high' }]);
    const columns = await columnsOf(url, T);
    expect(columns).toMatchObject({ severity_s: 'string' });
    expect(columns).not.toHaveProperty('Severity');
  });
});

describe('schema evolution', () => {
  it('the spec worked example (A6): strings convert into existing columns; unconvertible values add columns', async () => {
    const { url } = await startMock();
    // 1. number_d, boolean_b, string_s exist.
    await post(url, [{ number: 100, boolean: true, string: 'text' }]);
    expect(await columnsOf(url, T)).toEqual({ ...STANDARD, number_d: 'double', boolean_b: 'boolean', string_s: 'string' });
    // 2. The same fields sent as strings change nothing: the values convert.
    await post(url, [{ number: '100', boolean: 'true', string: 'text' }]);
    expect(await columnsOf(url, T)).toEqual({ ...STANDARD, number_d: 'double', boolean_b: 'boolean', string_s: 'string' });
    // 3. Values that can't be converted create boolean_d and string_d.
    await post(url, [{ number: 1, boolean: 5, string: 7 }]);
    expect(await columnsOf(url, T)).toEqual({
      ...STANDARD,
      number_d: 'double',
      boolean_b: 'boolean',
      string_s: 'string',
      boolean_d: 'double',
      string_d: 'double',
    });
    const rows = await rowsOf(url, T);
    expect(rows.map((r) => [r.number_d, r.boolean_b, r.string_s, r.boolean_d, r.string_d])).toEqual([
      [100, true, 'text', null, null],
      [100, true, 'text', null, null],
      [1, null, null, 5, 7],
    ]);
  });

  it('"7" into an existing n_d; a non-numeric string next to it creates n_s', async () => {
    const { url } = await startMock();
    await post(url, [{ n: 1 }]);
    await post(url, [{ n: '7' }, { n: 'seven' }]);
    expect(await columnsOf(url, T)).toMatchObject({ n_d: 'double', n_s: 'string' });
    expect((await rowsOf(url, T)).map((r) => [r.n_d, r.n_s])).toEqual([[1, null], [7, null], [null, 'seven']]);
  });

  it('5 for an existing b_b creates b_d; a GUID for an existing _s creates _g', async () => {
    const { url } = await startMock();
    await post(url, [{ b: false, id: 'aedd289e-da2d-4a50-b385-260e273c345k' }]);
    await post(url, [{ b: 5, id: 'aedd289e-da2d-4a50-b385-260e273c345f' }]);
    expect(await columnsOf(url, T)).toMatchObject({ b_b: 'boolean', b_d: 'double', id_s: 'string', id_g: 'guid' });
  });

  it('concurrent posts evolving one table do not race (every row lands, each column once)', async () => {
    const { url } = await startMock();
    await Promise.all(Array.from({ length: 12 }, (_, i) => post(url, [{ [`f${i % 4}`]: i, common: 'x' }])));
    const columns = await columnsOf(url, T);
    expect(Object.keys(columns).sort()).toEqual([...Object.keys(STANDARD), 'common_s', 'f0_d', 'f1_d', 'f2_d', 'f3_d'].sort());
    expect(await rowsOf(url, T)).toHaveLength(12);
  });
});

describe('names and limits (A5, A10)', () => {
  it('property names outside [A-Za-z0-9_] get _ for each bad character, flagged in the audit log', async () => {
    const { url } = await startMock();
    await post(url, [{ '@timestamp': 'x', 'property 1': 2 }]);
    expect(await columnsOf(url, T)).toMatchObject({ _timestamp_s: 'string', property_1_d: 'double' });
    const [entry] = await (await fetch(`${url}/_lab/requests`)).json();
    expect(entry.flags.join('\n')).toMatch(/'@timestamp' renamed to '_timestamp'/);
  });

  it('values over 32 KB are truncated to 32,768 UTF-8 bytes, flagged', async () => {
    const { url } = await startMock();
    await post(url, [{ big: 'é'.repeat(20_000), ok: 'x'.repeat(32_768) }]);
    const [row] = await rowsOf(url, T);
    expect(Buffer.byteLength(row!.big_s as string)).toBe(32_768);
    expect((row!.ok_s as string).length).toBe(32_768);
    const [entry] = await (await fetch(`${url}/_lab/requests`)).json();
    expect(entry.flags.join('\n')).toMatch(/value of 'big' truncated/);
  });

  it('column names are cut to 45 characters, keeping the suffix', async () => {
    const { url } = await startMock();
    await post(url, [{ ['x'.repeat(60)]: 'v' }]);
    const names = Object.keys(await columnsOf(url, T));
    expect(names).toContain(`${'x'.repeat(43)}_s`);
  });

  it('at most 500 columns per table: the rest are dropped, flagged', async () => {
    const { url } = await startMock();
    const wide = Object.fromEntries(Array.from({ length: 520 }, (_, i) => [`c${i}`, i]));
    await post(url, [wide]);
    const columns = await columnsOf(url, T);
    expect(Object.keys(columns)).toHaveLength(500);
    expect(columns).toHaveProperty('c494_d');
    expect(columns).not.toHaveProperty('c495_d');
    const [entry] = await (await fetch(`${url}/_lab/requests`)).json();
    expect(entry.flags.join('\n')).toMatch(/column limit 500/);
  });
});

describe('standard columns and TimeGenerated (A7)', () => {
  const received = new Date('2024-06-01T12:00:00.000Z');
  const date = received.toUTCString();

  it('TenantId, Type, SourceSystem and _ResourceId', async () => {
    const { url } = await startMock();
    await post(url, [{ a: 1 }], { 'x-ms-AzureResourceId': '/subscriptions/sub/resourceGroups/rg/providers/x/y' });
    expect((await rowsOf(url, T))[0]).toMatchObject({
      TenantId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4',
      Type: 'Typing_CL',
      SourceSystem: 'RestAPI',
      _ResourceId: '/subscriptions/sub/resourceGroups/rg/providers/x/y',
    });
  });

  it('without time-generated-field, TimeGenerated is the ingestion time', async () => {
    const { url } = await startMock({ now: () => received });
    const res = await postLogs(url, [{ a: 1 }], { logType: 'Typing', date });
    expect(res.status).toBe(200);
    expect((await rowsOf(url, T))[0]!.TimeGenerated).toBe('2024-06-01T12:00:00.000Z');
  });

  it('an empty time-generated-field is the same as none', async () => {
    const { url } = await startMock({ now: () => received });
    await postLogs(url, [{ when: '2024-06-01T10:00:00Z' }], { logType: 'Typing', date, headers: { 'time-generated-field': '' } });
    expect((await rowsOf(url, T))[0]!.TimeGenerated).toBe('2024-06-01T12:00:00.000Z');
  });

  it('the named ISO field within [received − 2 d, received + 1 d] becomes TimeGenerated and is kept as <name>_t', async () => {
    const { url } = await startMock({ now: () => received });
    const records = [
      { when: '2024-05-30T12:00:01Z' }, // just inside −2 d
      { when: '2024-06-02T11:59:59Z' }, // just inside +1 d
      { when: '2024-05-30T11:59:59Z' }, // outside: ingestion time
      { when: '2024-06-02T12:00:01Z' }, // outside: ingestion time
      { when: '2024-06-01 10:00:00' }, // not ISO: ingestion time
      { other: 1 }, // missing: ingestion time
      { when: 1717236000000 }, // not a string: ingestion time
    ];
    const res = await postLogs(url, records, { logType: 'Typing', date, headers: { 'time-generated-field': 'when' } });
    expect(res.status).toBe(200);
    const rows = await rowsOf(url, T);
    expect(rows.map((r) => r.TimeGenerated)).toEqual([
      '2024-05-30T12:00:01.000Z',
      '2024-06-02T11:59:59.000Z',
      '2024-06-01T12:00:00.000Z',
      '2024-06-01T12:00:00.000Z',
      '2024-06-01T12:00:00.000Z',
      '2024-06-01T12:00:00.000Z',
      '2024-06-01T12:00:00.000Z',
    ]);
    expect(rows[0]!.when_t).toBe('2024-05-30T12:00:01.000Z');
  });
});
