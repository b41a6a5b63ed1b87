// darktrace-sentinel-lab — the library API (the package's main entry point). Start the mock
// workspace, the simulator and the connector from your own code and tests, alone or wired together,
// or run a scenario; each start* resolves to a handle with its URLs, an admin client and close().
// Reference: docs/reference/library.md.
export { startMockSentinel, type StartMockSentinelOptions, type MockSentinelHandle, type LogsIngestionEndpoint } from './start-mock-sentinel.ts';
export { startSimulator, type StartSimulatorOptions, type SimulatorHandle } from './start-simulator.ts';
export { startConnector, type StartConnectorOptions, type ConnectorHandle } from './start-connector.ts';
export { startLab, labConnectorConfig, type StartLabOptions, type LabHandle } from './start-lab.ts';
export { runScenario, ScenarioValidationError, type RunScenarioOptions, type RunReport, type Progress } from './run-scenario.ts';
export { SentinelAdmin, type SentinelFaults, type FaultRuleState } from './sentinel-admin.ts';
export { DarktraceAdmin, type GeneratedAlert, type DarktraceFaultRule } from './darktrace-admin.ts';
export { LabRequestError } from './lab-http.ts';
export type { LabLog, LabSource } from './prefixed-lines.ts';

// The services' own factories and types, for tests that need more than the handles give.
export { createMockSentinel, DEFAULT_WORKSPACE, DEFAULT_DCR_IMMUTABLE_ID, DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../mock-sentinel/index.ts';
export type { MockSentinel, MockSentinelOptions, FaultRuleInput, AuditEntry, TableInfo, WorkspaceConfig } from '../../mock-sentinel/index.ts';
export { createSimulator, DEFAULT_TOKENS, dtapiSignature } from '../../simulator/index.ts';
export type { Simulator, SimulatorOptions, AlertType, TokenPair } from '../../simulator/index.ts';
export { createConnector, resolveConfig, loadConfigFile, ConfigError } from '../../connector/index.ts';
export type { Connector, ConnectorConfig } from '../../connector/index.ts';
