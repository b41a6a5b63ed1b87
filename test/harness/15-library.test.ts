// Issue 15: the library API as a user's test would use it — the three started and wired by startLab,
// alerts driven through the simulator's admin client, rows and faults seen through the mock's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, ScenarioValidationError, startLab, type LabHandle } from '../../harness/library/index.ts';

describe('library API', () => {
  let lab: LabHandle;
  beforeAll(async () => {
    lab = await startLab({ darktrace: { seed: 7, backfill: 0, rates: 'modelBreach=0,aiAnalyst=0,systemAlert=0,email=0,story=0' } });
  });
  afterAll(() => lab?.close());

  it('startLab wires the simulator, the connector and the mock: emitted breaches land', async () => {
    expect(lab.sentinel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lab.sentinel.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lab.connector.pushUrl).toBe(`${lab.connector.url}/push`);
    const emitted = await lab.darktrace.admin.emit('modelBreach', 3);
    expect(emitted).toHaveLength(3);
    const rows = await lab.sentinel.waitForRows('darktrace_model_alerts_CL', 3);
    expect(rows.map((r) => r.threatID_d).sort()).toEqual(emitted.map((e) => Number(e.id)).sort());
    const tables = await lab.sentinel.admin.tables();
    expect(tables.find((t) => t.name === 'darktrace_model_alerts_CL')?.rowCount).toBe(3);
    expect((await lab.darktrace.admin.generated({ type: 'modelBreach' })).items).toHaveLength(3);
  });

  it('the mock admin client injects faults and lists them in the audit log', async () => {
    await lab.sentinel.admin.faults.failNext(1, 429, { route: 'dataCollector', retryAfter: 1 });
    const [emitted] = await lab.darktrace.admin.emit('modelBreach', 1);
    await lab.sentinel.waitForRows('darktrace_model_alerts_CL', 4);
    const rules = await lab.sentinel.admin.faults.list();
    expect(rules[0]).toMatchObject({ route: 'dataCollector', fault: 429, fired: 1 });
    const requests = await lab.sentinel.admin.requests();
    expect(requests.filter((r) => r.status === 429 && r.injectedFault !== null)).toHaveLength(1);
    expect((await lab.sentinel.admin.rows('darktrace_model_alerts_CL', { limit: 10 })).some((r) => r.threatID_d === Number(emitted!.id))).toBe(true);
  });

  it('runScenario rejects an invalid scenario object with the validator\'s errors', async () => {
    const err = await runScenario({ name: 'x', duration: 'soon' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioValidationError);
    expect((err as ScenarioValidationError).errors.some((e) => e.path === 'duration')).toBe(true);
  });
});
