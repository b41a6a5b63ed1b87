// dtlab query "KQL" — run a KQL query against a running mock workspace and print the result table.
// Without --token it asks the mock's own Entra for one (documented test-only app) when the
// route wants one, so it works with no flags against `dtlab sentinel`.
import process from 'node:process';
import { parseArgs } from 'node:util';
import type { Command } from '../cli.ts';
import { DEFAULT_WORKSPACE } from '../../mock-sentinel/authentication/workspaces.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, LOG_ANALYTICS_AUDIENCE } from '../../mock-sentinel/entra/defaults.ts';

const DEFAULT_URL = 'http://127.0.0.1:4780';

const help = `usage: dtlab query [options] "KQL"

Runs KQL against a mock workspace through its Log Analytics Query API
(POST /v1/workspaces/ID/query) and prints the result as a table.

options:
  --url U               the mock (default ${DEFAULT_URL})
  --workspace ID        workspace to query (default ${DEFAULT_WORKSPACE.id})
  --timespan ISO        ISO-8601 duration or interval applied to TimeGenerated (e.g. PT1H)
  --token T             bearer token to send; without it, when the route asks for one, a token is
                        fetched from the mock's Entra with --tenant/--client-id/--client-secret
  --tenant ID           Entra tenant (default ${DEFAULT_TENANT_ID})
  --client-id ID        Entra app (default ${DEFAULT_CLIENT_ID})
  --client-secret S     its secret (default: the documented test-only secret)
  --json                print the API's JSON answer instead of a table
  -h, --help            this text

Exit status: 0 with a result, 1 when the service refuses the query (its error is printed on
stderr), 2 on usage errors.`;

export interface QueryIo {
  out(text: string): void;
  err(text: string): void;
}

interface ApiTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

interface ApiError {
  error?: { code?: string; message?: string; innererror?: { code?: string; message?: string } };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\r?\n/g, '\\n');
}

/** Columns padded to their widest cell, a header line, a rule, then the rows and a count. */
export function formatTable(table: ApiTable): string {
  const header = table.columns.map((c) => c.name);
  const body = table.rows.map((r) => r.map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const count = `(${table.rows.length} row${table.rows.length === 1 ? '' : 's'})`;
  return [line(header), rule, ...body.map(line), count].join('\n') + '\n';
}

function describeError(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as ApiError;
    const e = body.error;
    if (e) {
      const inner = e.innererror?.message ? ` — ${e.innererror.code ? `${e.innererror.code}: ` : ''}${e.innererror.message}` : '';
      return `${status} ${e.code ?? 'Error'}: ${e.message ?? ''}${inner}`;
    }
  } catch {
    // not JSON: show it as it came
  }
  return `${status} ${text.slice(0, 500)}`;
}

async function fetchToken(base: string, tenant: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: `${LOG_ANALYTICS_AUDIENCE}/.default` }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`could not get a token from ${base}: ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

export interface PostQueryOptions {
  url: string;
  query: string;
  workspace?: string;
  timespan?: string;
  /** Bearer token; without one, a 401 makes it fetch a token from the mock's Entra and retry. */
  token?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
}

/** POSTs a query to a mock's Query API route (for the CLI and the harness); resolves to the raw response. */
export async function postQuery(opts: PostQueryOptions): Promise<Response> {
  const base = opts.url.replace(/\/+$/, '');
  const workspace = opts.workspace ?? DEFAULT_WORKSPACE.id;
  const body = JSON.stringify({ query: opts.query, ...(opts.timespan ? { timespan: opts.timespan } : {}) });
  const endpoint = `${base}/v1/workspaces/${encodeURIComponent(workspace)}/query`;
  const send = (token?: string) =>
    fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const res = await send(opts.token);
  if (res.status !== 401 || opts.token !== undefined) return res;
  await res.arrayBuffer();
  const token = await fetchToken(base, opts.tenant ?? DEFAULT_TENANT_ID, opts.clientId ?? DEFAULT_CLIENT_ID, opts.clientSecret ?? DEFAULT_CLIENT_SECRET);
  return send(token);
}

export async function runQuery(argv: string[], io: QueryIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        workspace: { type: 'string' },
        timespan: { type: 'string' },
        token: { type: 'string' },
        tenant: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (err) {
    io.err(`dtlab query: ${(err as Error).message}\n`);
    return 2;
  }
  if (positionals.length !== 1 || !positionals[0]!.trim()) {
    io.err('dtlab query: give exactly one KQL query (quote it); see dtlab query --help\n');
    return 2;
  }
  let res: Response;
  try {
    res = await postQuery({
      url: String(values.url ?? DEFAULT_URL),
      workspace: values.workspace as string | undefined,
      query: positionals[0]!,
      timespan: values.timespan as string | undefined,
      token: values.token as string | undefined,
      tenant: values.tenant as string | undefined,
      clientId: values['client-id'] as string | undefined,
      clientSecret: values['client-secret'] as string | undefined,
    });
  } catch (err) {
    io.err(`dtlab query: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    io.err(`dtlab query: ${describeError(res.status, text)}\n`);
    return 1;
  }
  if (values.json) {
    io.out(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  }
  const result = JSON.parse(text) as { tables: ApiTable[] };
  for (const table of result.tables) io.out(formatTable(table));
  return 0;
}

export const command: Command = {
  summary: 'run a KQL query against a running mock workspace, print a table',
  help,
  run: (argv) => runQuery(argv, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
};
