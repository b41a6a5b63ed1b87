// The workspace's primary key is regenerated through the admin API; the connector must fail over to
// the secondary key. Not undone: a rotated key stays rotated.
import { createHash } from 'node:crypto';
import { faultKind } from '../../scenario/fault-kinds.ts';
import type { FaultKind } from './fault-kind.ts';

/** The new primary key of a mock.rotateKey fault: 64 bytes derived from the seed, so a run replays. */
export function rotatedKey(seed: number, faultIndex: number): string {
  return createHash('sha512').update(`dtlab mock.rotateKey seed=${seed} fault=${faultIndex}`).digest('base64');
}

export const mockRotateKey: FaultKind = {
  descriptor: faultKind('mock.rotateKey')!,
  describe: () => 'primary key replaced (PUT /_lab/workspaces/:id/keys); only the secondary key signs',
  async apply(_f, ctx, ref) {
    await ctx.mock.rotatePrimaryKey(rotatedKey(ctx.seed, ref.index));
    return '';
  },
};
