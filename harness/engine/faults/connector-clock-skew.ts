// The connector's debug hook skews the clock its signatures read (x-ms-date, DTAPI-Date). While the
// connector is down (kill -9), the restart applies the skew in force instead (connector-kill.ts).
import { faultKind } from '../../scenario/fault-kinds.ts';
import { formatDuration } from '../../scenario/units.ts';
import type { FaultContext, FaultKind } from './fault-kind.ts';

async function setSkew(ctx: FaultContext, ms: number): Promise<string> {
  ctx.connector.skewMs = ms;
  try {
    await ctx.conn.setClockSkew(ms);
    return '';
  } catch (err) {
    if (ctx.connector.restarting) return ' (the connector is restarting: applied when it is back)';
    throw err;
  }
}

export const connectorClockSkew: FaultKind = {
  descriptor: faultKind('connector.clockSkew')!,
  describe: (f) => `connector signing clock ${f.skewMs! >= 0 ? '+' : ''}${formatDuration(f.skewMs!)} (PUT /debug/clock-skew)`,
  apply: (f, ctx) => setSkew(ctx, f.skewMs!),
  undo: async (_f, ctx) => `clock fixed (skew 0)${await setSkew(ctx, 0)}`,
};
