// The fault kinds that are rules of the mock's own fault engine (PUT /_lab/faults semantics): applied
// by adding the rule to the set in force, undone by removing it.
import type { FaultRuleInput } from '../../../mock-sentinel/index.ts';
import { faultKind } from '../../scenario/fault-kinds.ts';
import type { Fault, FaultName } from '../../scenario/types.ts';
import type { FaultKind, FaultRef } from './fault-kind.ts';

/** The fields every mock rule takes from the scenario fault: id, route, probability, count. */
export function commonRule(f: Fault, ref: FaultRef): { id: string; route: FaultRuleInput['route'] } & Pick<FaultRuleInput, 'probability' | 'count'> {
  return {
    id: ref.id,
    route: f.route === 'any' ? '*' : f.route,
    ...(f.probability !== undefined ? { probability: f.probability } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
  };
}

export function mockRuleFault(name: FaultName, rule: (f: Fault, ref: FaultRef) => FaultRuleInput, describe: (f: Fault) => string): FaultKind {
  return {
    descriptor: faultKind(name)!,
    describe,
    async apply(f, ctx, ref) {
      await ctx.mockRules.set(ref.id, rule(f, ref));
      return '';
    },
    async undo(_f, ctx, ref) {
      await ctx.mockRules.delete(ref.id);
      return 'cleared';
    },
  };
}
