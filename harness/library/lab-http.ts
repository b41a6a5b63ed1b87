// JSON over HTTP to a lab service's /_lab admin API: one call, its error naming the route and the answer.

/** A /_lab call that did not answer 2xx: the method, path, status and the start of the body. */
export class LabRequestError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: ${status} ${body.slice(0, 300)}`);
    this.name = 'LabRequestError';
  }
}

/**
 * Calls `base + path`; resolves to the parsed JSON body (undefined for an empty one, as a 204 has).
 * `adminToken`: the service's admin token (`--admin-token`), sent as a bearer token when set.
 */
export async function labCall<T>(base: string, method: string, path: string, body?: unknown, adminToken?: string): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (adminToken !== undefined) headers.authorization = `Bearer ${adminToken}`;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new LabRequestError(method, path, res.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}
