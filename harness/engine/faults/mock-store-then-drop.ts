import { mockRuleFault, commonRule } from './mock-rule.ts';

export const mockStoreThenDrop = mockRuleFault(
  'mock.storeThenDrop',
  (f, ref) => ({ ...commonRule(f, ref), fault: 'store-then-drop' }),
  () => 'batches stored, then connections dropped',
);
