// Parking on a full disk (issue 12 × issue 14): a refused target cannot be parked while the disk is
// full (its queue needs new space), so its batch stays in the main spool and delivery pauses, as for
// a dead letter that cannot be written (decision 0009); once space returns it is parked, the other
// target lands, and when the error clears every record has landed: nothing lost.
//
// The disk is a size-limited tmpfs where this machine allows a mount, else an injected ENOSPC from
// the fake node:fs below; the test prints which.
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fullDiskFs, injectedDisk, smallDisk, type SmallDisk } from './helpers/small-disk.ts';

const st = vi.hoisted(() => ({ full: false, fds: new Map<number, string>() }) as import('./helpers/small-disk.ts').InjectedDisk);
vi.mock('node:fs', async (importOriginal) => fullDiskFs(await importOriginal<typeof import('node:fs')>(), st));

const { delivererRig, fakeSink } = await import('./helpers/deliverer-rig.ts');
const { waitForEvent } = await import('./helpers/connector-env.ts');
type SpoolRecord = import('../../connector/spool/spool.ts').SpoolRecord;

let disk: SmallDisk;
beforeAll(async () => {
  void injectedDisk;
  disk = await smallDisk(st);
  console.log(`parked disk-full test runs on: ${disk.kind}`);
});
afterAll(async () => {
  await disk.close();
});

const targetOf = (r: SpoolRecord) => (JSON.parse(r.json) as { target: string }).target;

describe('parking on a full disk', () => {
  it('a batch that cannot be parked stays spooled; once space returns it is parked, and everything lands once the error clears', async () => {
    const refused = new Set(['A']);
    const sink = {
      ...fakeSink(async (records, settle) => {
        for (const r of records) {
          const target = targetOf(r);
          await settle(refused.has(target)
            ? { kind: 'park', records: [r], fault: { target, reason: '403 OperationFailed', cause: 'no role', configKey: 'sentinel.clientId' } }
            : { kind: 'delivered', records: [r] });
        }
      }),
      targetOf,
    };
    const rig = delivererRig(sink, { state: join(disk.dir, 'parked'), maxBatchRecords: 4, pauseMs: 20 });
    await rig.spool.append([...'ABAB'].map((target, i) => ({ key: `k${i + 1}`, json: JSON.stringify({ target, n: i + 1 }) })));
    await disk.fill();
    try {
      const paused = waitForEvent<{ reason: string }>(rig.events, 'delivery-paused');
      rig.deliverer.start();
      expect((await paused).reason).toMatch(/^disk full: cannot write a parked queue/);
      expect(rig.spool.committedSeq).toBe(0);
      expect(rig.delivered).toEqual([]);
    } finally {
      await disk.release();
    }
    await waitForEvent(rig.events, 'parked');
    await waitForEvent(rig.events, 'delivered', () => rig.delivered.includes(4));
    expect(rig.delivered).toEqual([2, 4]);
    expect(rig.spool.pending).toBe(0);
    const idle = once(rig.events, 'idle');
    refused.clear();
    await idle;
    expect(rig.delivered).toEqual([2, 4, 1, 3]);
    expect(rig.lost()).toEqual([]);
    await rig.deliverer.stop();
    rig.spool.close();
  });
});
