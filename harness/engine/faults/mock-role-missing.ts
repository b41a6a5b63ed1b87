import { mockRuleFault } from './mock-rule.ts';

// Lifted by the scenario's `for` (the rule is removed then): the role assignment arrives.
export const mockRoleMissing = mockRuleFault(
  'mock.roleMissing',
  (_f, ref) => ({ id: ref.id, route: 'logsIngestion', fault: 'role-missing' }),
  () => '403 OperationFailed: no role assignment on the DCR',
);
