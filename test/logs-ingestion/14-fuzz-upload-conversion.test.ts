// Property-based fuzz of the Logs Ingestion upload and DCR conversion (issue 14 "keep them fixed"):
// random records for a stream declaring every column type are answered 204 and each value lands
// converted as the documented table says (docs/reference/logs-ingestion.md, "Conversion rules") or
// as null when it cannot convert; any body text gets 204 or exactly 400 InvalidJson — never a 5xx.
// The oracle is written from the documented rules, not from the mock's code. Fixed seed (FUZZ_SEED=
// replays another); fast-check prints the failing seed and the shrunk counterexample.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ID, getJson, rawUpload, startLabMock, tokenFor, type LabMock } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1403);
const DCR = 'dcr-f0220000000040008000000000000014';
const STREAM = 'Custom-Fuzz';
const COLUMNS = { s: 'string', i: 'int', l: 'long', r: 'real', b: 'boolean', t: 'datetime', y: 'dynamic' } as const;
type Column = keyof typeof COLUMNS;

async function fuzzLab(): Promise<{ lab: LabMock; token: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dtlab-fuzz-dcr-'));
  const file = path.join(dir, 'fuzz.json');
  await writeFile(
    file,
    JSON.stringify({
      name: 'Fuzz',
      location: 'westeurope',
      properties: {
        immutableId: DCR,
        streamDeclarations: { [STREAM]: { columns: [{ name: 'seq', type: 'int' }, ...Object.entries(COLUMNS).map(([name, type]) => ({ name, type }))] } },
        destinations: { logAnalytics: [{ name: 'ws', workspaceId: WORKSPACE_ID }] },
        dataFlows: [{ streams: [STREAM], destinations: ['ws'], transformKql: 'source', outputStream: 'Custom-Fuzz_CL' }],
      },
    }),
  );
  const lab = await startLabMock({ dcrFiles: [file] });
  return { lab, token: await tokenFor(lab) };
}

const INT_TEXT = /^[+-]?\d+$/;
const REAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SKIP = Symbol('not asserted');

/** The documented conversion of `value` to `type`, as the admin API renders it; SKIP where the docs say precision is lost. */
function converted(value: unknown, type: (typeof COLUMNS)[Column]): unknown {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    case 'int':
    case 'long': {
      const [min, max] = type === 'int' ? [-(2 ** 31), 2 ** 31 - 1] : [-(2n ** 63n), 2n ** 63n - 1n];
      let big: bigint | undefined;
      if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
      else if (text !== undefined && INT_TEXT.test(text)) big = BigInt(text);
      if (big === undefined || big < BigInt(min) || big > BigInt(max)) return null;
      return Number.isSafeInteger(Number(big)) ? Number(big) : SKIP;
    }
    case 'real': {
      const n = typeof value === 'number' ? value : text !== undefined && REAL_TEXT.test(text) ? Number(text) : undefined;
      if (n === undefined) return null;
      return Number.isFinite(n) ? n + 0 : SKIP;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      if (text !== undefined && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      return null;
    case 'datetime':
      return typeof value === 'string' && DATE_SENT.has(value) ? DATE_SENT.get(value) : null;
    case 'dynamic':
      return JSON.parse(JSON.stringify(value));
  }
}

/** ISO texts this test generated as valid date-times, with the instant each names. */
const DATE_SENT = new Map<string, string>();
const validDate = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).chain((d) => {
  const iso = d.toISOString();
  const noMs = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
  return fc.constantFrom<[string, string]>([iso, iso], [iso.replace('T', ' '), iso], [iso.slice(0, -1), iso], [noMs.slice(0, 19) + '+00:00', noMs], [iso.slice(0, 10), `${iso.slice(0, 10)}T00:00:00.000Z`]);
}).map(([text, instant]) => {
  DATE_SENT.set(text, instant);
  return text;
});

const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.integer({ min: -(2 ** 31) - 5, max: -(2 ** 31) + 5 }),
  fc.integer({ min: 2 ** 31 - 5, max: 2 ** 31 + 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, '0', '1', 'TRUE', ' false ', 'yes', '12', '-7', '+3', '3.5', '1e3', '.5', 'high', '', '  42  ', '9007199254740993'),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const record = fc.record(
  Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, c === 't' ? fc.oneof(validDate, anyValue.filter((v) => typeof v !== 'string' || !/^\d{4}-/.test(v))) : anyValue])) as Record<Column, fc.Arbitrary<unknown>>,
  { requiredKeys: [] },
);

describe('Logs Ingestion fuzz', () => {
  it('random records: 204, each column converted per the documented rules or null', async () => {
    const { lab, token } = await fuzzLab();
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 6 }), async (records) => {
        await fetch(`${lab.url}/_lab/tables`, { method: 'DELETE' }); // each run (and each shrink step) starts empty
        const sent = records.map((r, seq) => ({ seq, ...r }));
        const res = await rawUpload(lab, { token, path: `/dataCollectionRules/${DCR}/streams/${STREAM}`, body: JSON.stringify(sent) });
        expect(res.status, res.text).toBe(204);
        const rows: Record<string, unknown>[] = await getJson(lab, '/_lab/tables/Fuzz_CL/rows?limit=100');
        rows.sort((a, b) => (a.seq as number) - (b.seq as number));
        expect(rows).toHaveLength(sent.length);
        sent.forEach((r, i) => {
          for (const [column, type] of Object.entries(COLUMNS) as [Column, (typeof COLUMNS)[Column]][]) {
            const want = converted(r[column], type);
            if (want !== SKIP) expect(rows[i]![column], `record ${i} ${column} (${type}) from ${JSON.stringify(r[column])}`).toEqual(want);
          }
        });
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('any body text: 204, or exactly 400 InvalidJson — never a 5xx', async () => {
    const { lab, token } = await fuzzLab();
    const text = fc.oneof(
      fc.string({ maxLength: 40, unit: 'binary' }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.nat(30), fc.string({ maxLength: 3 })).map(([cut, junk]) => '[{"seq":1,"s":"x","y":{"a":[1,2]}}]'.slice(0, cut) + junk),
    );
    await fc.assert(
      fc.asyncProperty(text, async (body) => {
        const res = await rawUpload(lab, { token, path: `/dataCollectionRules/${DCR}/streams/${STREAM}`, body });
        let valid = true;
        try {
          JSON.parse(body);
        } catch {
          valid = false;
        }
        if (valid) expect(res.status, res.text).toBe(204);
        else {
          expect(res.status, res.text).toBe(400);
          expect(res.headers.get('x-ms-error-code')).toBe('InvalidJson');
          expect(res.json!.error.message).toMatch(/^The request body is not valid JSON: /);
        }
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});
