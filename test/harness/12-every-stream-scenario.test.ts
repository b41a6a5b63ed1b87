// Issue 12: a library scenario in which every Custom-Darktrace* table of the shipped DCR receives
// data, the three activity streams included, through the connector's Logs Ingestion sink.
import { describe, expect, it } from 'vitest';
import { failures, runLibraryScenario } from './scenario-runner.ts';

const TABLES = [
  'DarktraceModelAlerts_CL',
  'DarktraceIncidents_CL',
  'DarktraceSystemStatusAlerts_CL',
  'DarktraceEMAIL_CL',
  'DarktraceResponseActions_CL',
  'DarktraceASM_CL',
  'DarktraceEMAILRelease_CL',
];

describe('scenario library: logs-ingestion-every-stream', () => {
  it('every expectation holds and every Darktrace*_CL table has rows', async () => {
    const r = await runLibraryScenario('logs-ingestion-every-stream');
    expect(failures(r)).toEqual([]);
    for (const name of TABLES) {
      const table = r.tables.find((t) => t.name === name);
      expect({ name, hasRows: (table?.rowCount ?? 0) > 0 }).toEqual({ name, hasRows: true });
    }
  });
});
