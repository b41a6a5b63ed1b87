import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DcrRegistry, DEFAULT_DCR_FILE, DEFAULT_DCR_IMMUTABLE_ID } from '../../mock-sentinel/logs-ingestion/dcr/dcr-registry.ts';
import { DcrValidationError, parseDcr, tableOf } from '../../mock-sentinel/logs-ingestion/dcr/load-dcr.ts';

const WS = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const opts = { defaultWorkspaceId: WS };

function dcr(overrides: { streamDeclarations?: unknown; dataFlows?: unknown; immutableId?: unknown; destinations?: unknown } = {}) {
  return {
    name: 'TestDCR',
    location: 'westeurope',
    properties: {
      immutableId: 'immutableId' in overrides ? overrides.immutableId : 'dcr-00000000000000000000000000000001',
      streamDeclarations: overrides.streamDeclarations ?? {
        'Custom-Thing': { columns: [{ name: 'name', type: 'string' }, { name: 'count', type: 'int' }] },
      },
      destinations: overrides.destinations ?? { logAnalytics: [{ name: 'ws', workspaceId: WS }] },
      dataFlows: overrides.dataFlows ?? [{ streams: ['Custom-Thing'], destinations: ['ws'], transformKql: 'source', outputStream: 'Custom-Thing_CL' }],
    },
  };
}

function problemsOf(json: unknown): string[] {
  try {
    parseDcr(json, 'test.json', opts);
  } catch (err) {
    expect(err).toBeInstanceOf(DcrValidationError);
    return (err as DcrValidationError).problems;
  }
  throw new Error('expected the DCR to be rejected');
}

describe('the shipped Darktrace DCR (sentinel-table.md §8)', () => {
  it('loads by default with its immutable id, seven Custom-Darktrace* streams and Darktrace*_CL tables', async () => {
    const registry = new DcrRegistry();
    const rule = await registry.addFile(DEFAULT_DCR_FILE, opts);
    expect(rule.immutableId).toBe(DEFAULT_DCR_IMMUTABLE_ID);
    const summary = registry.summaries()[0]!;
    expect(summary.streams.map((s) => s.name).sort()).toEqual([
      'Custom-DarktraceASM',
      'Custom-DarktraceEMAIL',
      'Custom-DarktraceEMAILRelease',
      'Custom-DarktraceIncidents',
      'Custom-DarktraceModelAlerts',
      'Custom-DarktraceResponseActions',
      'Custom-DarktraceSystemStatusAlerts',
    ]);
    expect(summary.outputTables).toContain('DarktraceModelAlerts_CL');
    for (const s of summary.streams) {
      expect(s.flows).toEqual([{ outputStream: `${s.name}_CL`, table: `${s.name.slice('Custom-'.length)}_CL`, transformKql: 'source', workspaceIds: [WS] }]);
    }
  });

  it('declares the model-alert columns with the types of §8.1', async () => {
    const registry = new DcrRegistry();
    const rule = await registry.addFile(DEFAULT_DCR_FILE, opts);
    const cols = Object.fromEntries(rule.streams.get('Custom-DarktraceModelAlerts')!.columns.map((c) => [c.name, c.type]));
    expect(Object.keys(cols)).toHaveLength(39);
    expect(cols).toMatchObject({ TimeGenerated: 'datetime', alertTime: 'datetime', antigena: 'boolean', latitude: 'real', mitreTechniques: 'dynamic', pid: 'int', score: 'int', destPort: 'string' });
  });
});

describe('DCR validation errors name the path and the reason', () => {
  it('rejects a malformed immutableId', () => {
    expect(problemsOf(dcr({ immutableId: 'dcr-XYZ' }))[0]).toMatch(/^properties\.immutableId: required, 'dcr-' followed by 32/);
  });

  it('rejects an unknown column type', () => {
    const problems = problemsOf(dcr({ streamDeclarations: { 'Custom-Thing': { columns: [{ name: 'a', type: 'float' }] } } }));
    expect(problems).toContain(`properties.streamDeclarations['Custom-Thing'].columns[0].type: "float" is not one of string, int, long, real, boolean, datetime, dynamic`);
  });

  it('rejects a stream name without Custom- and an invalid column name', () => {
    const problems = problemsOf(
      dcr({
        streamDeclarations: { Thing: { columns: [{ name: '1bad', type: 'string' }] } },
        dataFlows: [{ streams: ['Thing'], destinations: ['ws'], outputStream: 'Custom-Thing_CL' }],
      }),
    );
    expect(problems.join('\n')).toMatch(/properties\.streamDeclarations\['Thing'\]: stream names must start with 'Custom-'/);
    expect(problems.join('\n')).toMatch(/columns\[0\]\.name: "1bad" is not a valid column name/);
  });

  it('rejects a data flow that reads an undeclared stream or writes to an unknown destination', () => {
    const problems = problemsOf(dcr({ dataFlows: [{ streams: ['Custom-Other'], destinations: ['nowhere'], outputStream: 'Custom-Thing_CL' }] }));
    expect(problems).toContain("properties.dataFlows[0].destinations: 'nowhere' is not a destination in properties.destinations.logAnalytics");
    expect(problems.join('\n')).toMatch(/properties\.dataFlows\[0\]\.streams: 'Custom-Other' is not declared/);
  });

  it('rejects an output stream that is not Custom-<Table>_CL or Microsoft-<Table>', () => {
    const problems = problemsOf(dcr({ dataFlows: [{ streams: ['Custom-Thing'], destinations: ['ws'], outputStream: 'Custom-Thing' }] }));
    expect(problems).toContain("properties.dataFlows[0].outputStream: 'Custom-Thing' must be 'Custom-<Table>_CL' or 'Microsoft-<Table>'");
    expect(tableOf('Microsoft-Syslog')).toBe('Syslog');
  });

  it('rejects an unsupported transform at load time, with its position', () => {
    const problems = problemsOf(
      dcr({ dataFlows: [{ streams: ['Custom-Thing'], destinations: ['ws'], outputStream: 'Custom-Thing_CL', transformKql: 'source | summarize count()' }] }),
    );
    expect(problems[0]).toMatch(/^properties\.dataFlows\[0\]\.transformKql: unsupported operator 'summarize' .*at character 10.* for stream 'Custom-Thing'/);
  });

  it('rejects a transform that names an undeclared column', () => {
    const problems = problemsOf(
      dcr({ dataFlows: [{ streams: ['Custom-Thing'], destinations: ['ws'], outputStream: 'Custom-Thing_CL', transformKql: 'source | project nope' }] }),
    );
    expect(problems[0]).toMatch(/unknown column 'nope'/);
  });

  it('rejects a TimeGenerated output that is not datetime, and reserved output names', () => {
    const problems = problemsOf(
      dcr({
        streamDeclarations: { 'Custom-Thing': { columns: [{ name: 'TimeGenerated', type: 'string' }, { name: 'Type', type: 'string' }] } },
      }),
    );
    expect(problems.join('\n')).toMatch(/output column TimeGenerated of Thing_CL must be datetime, not string/);
    expect(problems.join('\n')).toMatch(/output column 'Type' of Thing_CL is a reserved name/);
  });

  it('rejects a column reused with a different type in the same table (spec B6)', () => {
    const problems = problemsOf(
      dcr({
        streamDeclarations: {
          'Custom-A': { columns: [{ name: 'x', type: 'string' }] },
          'Custom-B': { columns: [{ name: 'x', type: 'int' }] },
        },
        dataFlows: [
          { streams: ['Custom-A'], destinations: ['ws'], outputStream: 'Custom-T_CL' },
          { streams: ['Custom-B'], destinations: ['ws'], outputStream: 'Custom-T_CL' },
        ],
      }),
    );
    expect(problems.join('\n')).toMatch(/output column 'x' of T_CL is int here but string at properties\.dataFlows\[0\]/);
  });

  it('rejects a second DCR with the same immutable id', () => {
    const registry = new DcrRegistry();
    registry.addJson(dcr(), 'a.json', opts);
    expect(() => registry.addJson(dcr(), 'b.json', opts)).toThrow(/already loaded from a\.json/);
  });

  it('reports a file that is not JSON with its path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dcr-'));
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ "properties": ');
    await expect(new DcrRegistry().addFile(file, opts)).rejects.toThrow(new RegExp(`${file.replaceAll('/', '\\/')}: invalid data collection rule:\\n  - not valid JSON`));
  });
});
