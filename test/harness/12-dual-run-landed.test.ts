// Issue 12: a dual run counts an alert landed per sink (once in darktrace_model_alerts_CL and once in
// its Darktrace*_CL table); after a cutover only the sinks still enabled are waited on and judged.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../harness/engine/evaluate.ts';
import { alertKey, LEGACY_TABLE } from '../../harness/engine/identity.ts';
import { LandingTracker } from '../../harness/engine/landing-tracker.ts';
import type { MockDriver } from '../../harness/engine/mock-driver.ts';
import { emptyObservations } from './observations-fixture.ts';

const KEY = alertKey('modelBreach', '7');

/** A mock whose tables hold the rows given, read from an offset as the tracker does. */
function mockWith(tables: Record<string, Record<string, unknown>[]>): MockDriver {
  return {
    newRows: async (table: string, offset: number) => (tables[table] ?? []).slice(offset).map((row) => ({ row, landedAt: 0 })),
  } as unknown as MockDriver;
}

describe('dual run: landed per sink', () => {
  it('an alert that landed on the legacy side only is lost on the new side', async () => {
    const obs = emptyObservations({
      generated: [{ type: 'modelBreach', id: '7' }],
      landedBySink: [
        { sink: 'dataCollector', landedCounts: new Map([[KEY, 1]]), enabled: true },
        { sink: 'logsIngestion', landedCounts: new Map(), enabled: true },
      ],
    });
    const results = await evaluate({ landed: ['modelBreach'], duplicates: { max: 0 } }, obs);
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['landed: Policy Breach', true],
      ['landed: DarktraceModelAlerts_CL', false],
      ['duplicates', true],
    ]);
  });

  it('after a cutover the disabled side is not judged for landing, but its duplicates count', async () => {
    const obs = emptyObservations({
      generated: [{ type: 'modelBreach', id: '7' }, { type: 'modelBreach', id: '8' }],
      landedBySink: [
        { sink: 'dataCollector', landedCounts: new Map([[KEY, 2]]), enabled: false },
        { sink: 'logsIngestion', landedCounts: new Map([[KEY, 1], [alertKey('modelBreach', '8'), 1]]), enabled: true },
      ],
    });
    const results = await evaluate({ landed: ['modelBreach'], duplicates: { max: 0 } }, obs);
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['landed: DarktraceModelAlerts_CL', true, '2'],
      ['duplicates', false, '1'],
    ]);
  });

  it('the tracker waits for every enabled sink, and no longer for one disabled', async () => {
    const tables: Record<string, Record<string, unknown>[]> = { [LEGACY_TABLE]: [], DarktraceModelAlerts_CL: [] };
    const tracker = new LandingTracker(mockWith(tables), ['dataCollector', 'logsIngestion']);
    tracker.addGenerated([{ type: 'modelBreach', id: '7', time: 0 }]);
    tables.DarktraceModelAlerts_CL!.push({ threatId: 7 });
    await tracker.poll();
    expect(tracker.allLanded()).toBe(false);
    expect(tracker.landedCount).toBe(0);
    tracker.setEnabled('dataCollector', false);
    expect(tracker.allLanded()).toBe(true);
    expect(tracker.landedCount).toBe(1);
    tracker.setEnabled('dataCollector', true);
    tables[LEGACY_TABLE]!.push({ dtProduct_s: 'Policy Breach', threatID_d: 7 });
    await tracker.poll();
    expect(tracker.allLanded()).toBe(true);
    expect(tracker.sinks.map((s) => [s.sink, s.landedCounts.get(KEY)])).toEqual([
      ['dataCollector', 1],
      ['logsIngestion', 1],
    ]);
  });
});
