export { createMockEntra, type MockEntra, type MockEntraOptions, type TokenRequestOutcome } from './mock-entra.ts';
export { AppRegistry, parseAppSpec, servicePrincipalObjectId, type AppSpec, type RegisteredApp } from './apps.ts';
export { EntraError, entraErrors } from './errors.ts';
export type { AccessTokenClaims, BearerCheck, BearerFailureReason, VerifyBearerOptions } from './tokens.ts';
export * from './defaults.ts';
