// SIGSTOP of the connector's process for `for` (required), then SIGCONT.
import { faultKind } from '../../scenario/fault-kinds.ts';
import type { FaultKind } from './fault-kind.ts';

export const connectorPause: FaultKind = {
  descriptor: faultKind('connector.pause')!,
  describe: () => 'SIGSTOP',
  async apply(_f, ctx) {
    ctx.conn.pause();
    return '';
  },
  async undo(_f, ctx) {
    ctx.conn.resume();
    return 'SIGCONT';
  },
};
