// A cutover: one of the connector's sinks disabled (or enabled) through its admin port,
// POST /sinks/{name}/enable|disable; after `for` it is set back. The landing tracker learns of it, so
// the drain waits only on the sinks still enabled and `landed` judges those.
import { faultKind } from '../../scenario/fault-kinds.ts';
import type { FaultKind } from './fault-kind.ts';

export const connectorSink: FaultKind = {
  descriptor: faultKind('connector.sink')!,
  describe: (f) => `${f.enabled ? 'enable' : 'disable'} connector sink ${f.sink} (POST /sinks/${f.sink}/${f.enabled ? 'enable' : 'disable'})`,
  async apply(f, ctx) {
    await ctx.conn.setSinkEnabled(f.sink!, f.enabled!);
    ctx.sinkEnabled(f.sink!, f.enabled!);
    return '';
  },
  async undo(f, ctx) {
    await ctx.conn.setSinkEnabled(f.sink!, !f.enabled);
    ctx.sinkEnabled(f.sink!, !f.enabled);
    return `sink ${f.sink} ${f.enabled ? 'disabled' : 'enabled'} again`;
  },
};
