// The workspaces the mock serves, with keys decoded once at load (the HMAC key is the base64-decoded
// workspace key). Errors name the config path, never the key.

export interface WorkspaceConfig {
  id: string;
  primaryKey: string;
  secondaryKey?: string;
  /** A closed workspace answers 400 InactiveCustomer. */
  inactive?: boolean;
}

export interface Workspace {
  id: string;
  keys: Buffer[];
  inactive: boolean;
}

/** Documented test-only defaults (docs/decisions/0001): the spec's test-vector key as primary. */
export const DEFAULT_WORKSPACE: WorkspaceConfig = {
  id: '97ce69d9-b4be-4241-8dbd-d265edcf06c4',
  primaryKey: 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==',
  secondaryKey: 'PQotrdhE7hJx0w+bvR5Q5I4LnofH6be8xEvJ3s3p7L585P8F/HSU6PFMAD1jh93I5Xp+oFVPFVtmekWK06ZLZg==',
};

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeKey(value: string, path: string): Buffer {
  if (!value || !BASE64.test(value)) throw new Error(`${path}: must be a base64 workspace key`);
  return Buffer.from(value, 'base64');
}

/** A key rotation: the new primary and/or secondary key, base64 as the portal shows them; `secondary: null` removes it. */
export interface WorkspaceKeyUpdate {
  primary?: string;
  secondary?: string | null;
}

/** A rotation that names no workspace the mock serves. */
export class UnknownWorkspaceError extends Error {}

/**
 * Validates a key rotation (from the admin API's JSON body or a library call). Errors name the field
 * and the reason, never the value.
 */
export function parseKeyUpdate(input: unknown): { primary?: Buffer; secondary?: Buffer | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('body: must be a JSON object with "primary" and/or "secondary" (base64 keys)');
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== 'primary' && key !== 'secondary') throw new Error(`${key}: unknown field (expected "primary" and/or "secondary")`);
  }
  if (body.primary === undefined && body.secondary === undefined) {
    throw new Error('body: give "primary" and/or "secondary" (base64 keys)');
  }
  const update: { primary?: Buffer; secondary?: Buffer | null } = {};
  if (body.primary !== undefined) {
    if (typeof body.primary !== 'string') throw new Error('primary: must be a base64 string');
    update.primary = decodeKey(body.primary, 'primary');
  }
  if (body.secondary === null) update.secondary = null;
  else if (body.secondary !== undefined) {
    if (typeof body.secondary !== 'string') throw new Error('secondary: must be a base64 string or null');
    update.secondary = decodeKey(body.secondary, 'secondary');
  }
  return update;
}

export class WorkspaceRegistry {
  private readonly byId = new Map<string, Workspace>();

  constructor(configs: readonly WorkspaceConfig[]) {
    if (configs.length === 0) throw new Error('workspaces: at least one workspace is needed');
    configs.forEach((config, i) => {
      if (!GUID_PATTERN.test(config.id)) throw new Error(`workspaces[${i}].id: must be a GUID (got '${config.id}')`);
      const id = config.id.toLowerCase();
      if (this.byId.has(id)) throw new Error(`workspaces[${i}].id: duplicate workspace ${id}`);
      const keys = [decodeKey(config.primaryKey, `workspaces[${i}].primaryKey`)];
      if (config.secondaryKey !== undefined) keys.push(decodeKey(config.secondaryKey, `workspaces[${i}].secondaryKey`));
      this.byId.set(id, { id, keys, inactive: config.inactive ?? false });
    });
  }

  get(id: string): Workspace | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /**
   * Replaces the workspace's keys in place (requests signed with the old key fail from the next
   * request on). Throws UnknownWorkspaceError, or an Error naming the invalid field.
   */
  replaceKeys(id: string, update: WorkspaceKeyUpdate): void {
    const workspace = this.get(id);
    if (!workspace) throw new UnknownWorkspaceError(`no workspace '${id}'`);
    const parsed = parseKeyUpdate(update);
    if (parsed.primary) workspace.keys[0] = parsed.primary;
    if (parsed.secondary === null) workspace.keys.length = 1;
    else if (parsed.secondary) workspace.keys[1] = parsed.secondary;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
