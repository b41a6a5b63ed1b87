// The connector's state once a run has drained: /health, records still spooled, and its dead
// letters counted per reason (read from the dead-letter file of a connector the run started; an
// external connector's file is not reachable, so its reasons stay unknown).
import { existsSync, readFileSync } from 'node:fs';
import type { ConnectorDriver } from './connector-driver.ts';
import type { DeadLetterEntry } from '../../connector/spool/dead-letter.ts';
import type { ConnectorState } from './observations.ts';

/** Dead-lettered alerts/records per reason: one per refused alert, one per record of a failed delivery, one per unreadable body. */
export function deadLettersByReason(ndjson: string): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  const add = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    let e: DeadLetterEntry;
    try {
      e = JSON.parse(line) as DeadLetterEntry;
    } catch {
      continue; // a line torn by a full disk (the connector cuts it, but a kill can leave one)
    }
    if (e.kind === 'alerts') for (const a of e.alerts) add(a.reason, 1);
    else if (e.kind === 'delivery') add(e.reason, e.records.length);
    else add(e.reason, 1);
  }
  return [...counts].map(([reason, count]) => ({ reason, count }));
}

export async function readConnectorState(connector: ConnectorDriver, deadLetterFile: string | undefined): Promise<ConnectorState> {
  const state: ConnectorState = {};
  const health = await connector.health();
  if (health) state.health = health;
  const spooled = await connector.pending();
  if (spooled !== undefined) state.spooled = spooled;
  if (deadLetterFile !== undefined) state.deadLetters = existsSync(deadLetterFile) ? deadLettersByReason(readFileSync(deadLetterFile, 'utf8')) : [];
  return state;
}
