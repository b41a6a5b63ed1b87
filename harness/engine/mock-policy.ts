// A scenario's `topology.mockPolicy` as the in-process mock's options: the documented policies go
// through the same options `dtlab sentinel`'s flags set (createMockSentinel's dataCollector and
// logsIngestion), so a scenario and a hand-run mock behave alike.
import type { DataCollectorPolicy, MockSentinelOptions } from '../../mock-sentinel/index.ts';
import type { MockPolicy } from '../scenario/types.ts';
import { durationMs } from '../scenario/units.ts';

export function mockPolicyOptions(p: MockPolicy): Pick<MockSentinelOptions, 'dataCollector' | 'logsIngestion'> {
  const { timeGeneratedPast, timeGeneratedFuture, maxJsonDepth, ...same } = p;
  const dataCollector: Partial<DataCollectorPolicy> = {
    ...same,
    ...(timeGeneratedPast !== undefined ? { timeGeneratedPastMs: durationMs(timeGeneratedPast) } : {}),
    ...(timeGeneratedFuture !== undefined ? { timeGeneratedFutureMs: durationMs(timeGeneratedFuture) } : {}),
    ...(maxJsonDepth !== undefined ? { maxJsonDepth } : {}),
  };
  return { dataCollector, ...(maxJsonDepth !== undefined ? { logsIngestion: { maxJsonDepth } } : {}) };
}
