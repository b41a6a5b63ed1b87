import { mockRuleFault, commonRule } from './mock-rule.ts';

export const mockDrop = mockRuleFault('mock.drop', (f, ref) => ({ ...commonRule(f, ref), fault: 'drop' }), () => 'connections dropped');
