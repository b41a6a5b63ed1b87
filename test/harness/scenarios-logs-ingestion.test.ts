// The scenario library: the Logs Ingestion sink end to end (Microsoft's SDK in the connector, the
// mock's HTTPS, Entra token endpoint and DCR).
import { describe, it, expect } from 'vitest';
import { runLibraryScenario, failures } from './scenario-runner.ts';

describe('scenario library: Logs Ingestion', () => {
  it('logs-ingestion: every alert type lands in its Darktrace*_CL table with the declared types', async () => {
    const r = await runLibraryScenario('logs-ingestion');
    expect(failures(r)).toEqual([]);
    expect(Object.keys(r.alerts)).toEqual(['DarktraceModelAlerts_CL', 'DarktraceIncidents_CL', 'DarktraceSystemStatusAlerts_CL', 'DarktraceEMAIL_CL']);
    expect(r.requests.byStatus['204']).toBeGreaterThan(0);
  });

  it('fault-logs-ingestion-throttle: 429 without Retry-After and 503 are retried by the connector; everything lands once', async () => {
    const r = await runLibraryScenario('fault-logs-ingestion-throttle');
    expect(failures(r)).toEqual([]);
    expect(r.requests.byStatus['429']).toBeGreaterThan(0);
    expect(r.requests.byStatus['503']).toBeGreaterThan(0);
  });
});
