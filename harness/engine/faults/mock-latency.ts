import { formatDuration } from '../../scenario/units.ts';
import { mockRuleFault, commonRule } from './mock-rule.ts';

export const mockLatency = mockRuleFault(
  'mock.latency',
  (f, ref) => ({ ...commonRule(f, ref), fault: 'latency', latencyMs: Math.round(f.latencyMs!) }),
  (f) => `+${formatDuration(f.latencyMs!)}`,
);
