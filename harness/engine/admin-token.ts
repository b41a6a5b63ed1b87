// The admin token of a service the user runs (topology `url:`), for its /_lab API: the variable the
// service's own command reads (DTLAB_SENTINEL_ADMIN_TOKEN for `dtlab sentinel --admin-token`,
// DTLAB_DARKTRACE_ADMIN_TOKEN for `dtlab darktrace`), so one export serves both sides.
import process from 'node:process';

/** `{ authorization: 'Bearer …' }` when the service's admin-token variable is set, else `{}`. */
export function adminAuthorization(service: 'sentinel' | 'darktrace'): Record<string, string> {
  const token = process.env[`DTLAB_${service.toUpperCase()}_ADMIN_TOKEN`];
  return token ? { authorization: `Bearer ${token}` } : {};
}
