// kill -9 of the connector's process, restarted after restartAfter (wall time). The restart runs in the
// background: traffic goes on while the connector is down, which is what a kill test is about. While
// the process starts again the simulated clock holds still (see ClockHold).
import { faultKind } from '../../scenario/fault-kinds.ts';
import { formatDuration } from '../../scenario/units.ts';
import type { FaultKind } from './fault-kind.ts';

export const connectorKill: FaultKind = {
  descriptor: faultKind('connector.kill')!,
  describe: (f) => `kill -9, restart after ${formatDuration(f.restartAfterMs)}`,
  async apply(f, ctx) {
    const { conn, connector: state, clock, log } = ctx;
    await state.restartDone;
    await conn.kill();
    ctx.abandoned(ctx.inFlightAtMost);
    state.restarting = true;
    const restart = (async () => {
      let held = false;
      try {
        if (f.restartAfterMs) await new Promise((r) => setTimeout(r, f.restartAfterMs));
        clock.hold();
        held = true;
        await conn.restart();
        log(`connector restarted (restart ${conn.restarts})`);
        if (state.skewMs !== 0) {
          await conn.setClockSkew(state.skewMs);
          log(`connector clock skew ${formatDuration(state.skewMs)} applied again after the restart`);
        }
      } finally {
        state.restarting = false;
        if (held) clock.release();
      }
    })();
    state.restartDone = restart.catch((err) => log(`connector restart failed: ${(err as Error).message}`));
    ctx.pendingWork.push(state.restartDone);
    return '';
  },
};
