// Guards the connector's own endpoints (/health, /idle, /metrics, /debug/*), not the push receiver:
// the shared admin guard (shared-lib/admin-guard.ts) with the connector's wording, which names its
// config keys `admin.allowedHosts` and `admin.token`.
import type { AdminConfig } from '../config/types.ts';
import { createAdminGuard as createGuard, type AdminGuard } from '../../shared-lib/admin-guard.ts';

export type { AdminGuard } from '../../shared-lib/admin-guard.ts';
export { isLoopbackHost } from '../../shared-lib/admin-guard.ts';

export function createAdminGuard(admin: AdminConfig): AdminGuard {
  return createGuard(admin, {
    realm: 'dtconnector-admin',
    wrongHost: (host) => `the connector's admin endpoints do not answer for host '${host}' (loopback only; allow others with admin.allowedHosts)`,
    noToken: 'the admin endpoints need admin.token: Authorization: Bearer <token>',
  });
}
