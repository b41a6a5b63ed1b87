// Stage 4: the drain. After the traffic, wait until every alert landed and the spool is empty, or
// until nothing moves any more (what is missing then was dead-lettered, or lost), or the timeout.
import { formatDuration } from '../../scenario/units.ts';
import { sourcesCaughtUpSince } from '../sources-caught-up.ts';
import type { Lab, RunState } from './run-state.ts';

/** How long nothing may move (received, spooled, landed) before a drain with missing alerts gives up. */
const QUIET_MS = 5000;

export async function drain(state: RunState, lab: Lab): Promise<void> {
  const { mock, sim, connector: conn, tracker: trk } = lab;
  const log = state.log;
  state.progress('draining');
  await Promise.allSettled(state.pendingWork);
  const timeoutMs = state.scenario.drainTimeoutMs;
  const drainDeadline = performance.now() + timeoutMs;
  const trafficEnd = new Date().toISOString();
  let quietSince = performance.now();
  let lastReceived: number | undefined;
  let drained = false;
  // Every poll source must complete a poll that started after the traffic ended.
  const sourcesCaughtUp = sourcesCaughtUpSince(conn, trafficEnd);
  while (performance.now() < drainDeadline) {
    conn.pollNow();
    await mock.nextStore(200).catch(() => {});
    const before = trk.rowCount;
    trk.addGenerated(await sim.newlyGenerated());
    // Read in the order data flows, so that each reading covers what the previous one promised: a
    // source that has polled past the end has spooled what it fetched (ingest precedes its success);
    // an empty spool means every spooled record was answered 200/204, so stored; and the rows read
    // after that include them. Read the other way round (rows, then the spool, then the sources),
    // records delivered between two readings were counted as sent but never read, and the drain
    // could settle with them "not landed" — the external-topology flake (issue 13).
    const caughtUp = await sourcesCaughtUp();
    const pending = await conn.pending();
    const fresh = await trk.poll();
    const received = await conn.received();
    if (fresh || trk.rowCount !== before || received !== lastReceived) quietSince = performance.now();
    lastReceived = received;
    const now = performance.now();
    state.sampleIfDue('draining');
    if (trk.allLanded() && pending === 0) {
      drained = true;
      break;
    }
    if (pending !== 0) continue;
    // The spool is empty and every source has fetched past the end of the traffic: what is still
    // missing will not come (it was dead-lettered, or lost). Rows get a moment to settle.
    const settled = caughtUp === undefined ? now - quietSince > QUIET_MS : caughtUp && now - quietSince > 1000;
    if (settled) {
      drained = true;
      const dead = await conn.deadLettered();
      log(`drain: spool empty and sources caught up; ${trk.generatedCount - trk.landedCount} alerts not landed, ${dead ?? 'unknown'} records dead-lettered`);
      break;
    }
  }
  if (!drained) log(`drain: timed out after ${formatDuration(timeoutMs)} with ${(await conn.pending()) ?? 'unknown'} records pending`);
  lab.sampler.sample();
}
