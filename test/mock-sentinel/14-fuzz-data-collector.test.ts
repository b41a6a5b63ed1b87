// Property-based fuzz of the Data Collector parser and typer (issue 14 "keep them fixed"): random
// records posted over HTTP land with 200, each property in the column its value's kind names under
// the suffix rules (azure-ingestion.md A10: boolean → _b, number → _d, ISO date-time → _t, GUID → _g,
// other strings → _s, objects/arrays → JSON text in _s, null → no value), values read back equal;
// random or broken body text gets 200 or exactly the documented 400 InvalidDataFormat — never a 5xx.
// The oracle is written from the spec, not from the mock's code. Fixed seed (FUZZ_SEED= replays
// another); fast-check prints the failing seed and the shrunk counterexample.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { getJson, postLogs } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1402);
let mock: MockSentinel;
let url: string;
let table = 0;

beforeAll(async () => {
  mock = createMockSentinel({ port: 0 });
  url = (await mock.listen()).url;
});
afterAll(() => mock.close());

type Kind = 'b' | 'd' | 't' | 'g' | 's' | 'json' | 'null';

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const GUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A value of the given kind. Strings avoid what the date-time and GUID rules would claim. */
function valueOf(kind: Kind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'b':
      return fc.boolean();
    case 'd':
      return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }));
    case 't':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'g':
      return fc.uuid().chain((u) => fc.constantFrom(u, u.toUpperCase(), u.replaceAll('-', '')));
    case 's':
      return fc.string({ maxLength: 40, unit: 'binary' }).filter((s) => !DATETIME.test(s.trim()) && !GUID.test(s.trim()) && s.trim() !== '');
    case 'json':
      return fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));
    case 'null':
      return fc.constant(null);
  }
}

/** Property names of [a-z0-9_] behind a prefix: no reserved, standard or unsuffixed column, no case twins. */
const schema = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z0-9_]{1,12}$/), fc.constantFrom<Kind>('b', 'd', 't', 'g', 's', 'json', 'null')), {
  minLength: 1,
  maxLength: 8,
  selector: ([name]) => name,
});

const batch = schema.chain((props) =>
  fc
    .array(fc.tuple(...props.map(([, kind]) => fc.option(valueOf(kind), { nil: undefined }))), { minLength: 1, maxLength: 5 })
    .map((rows) => ({ props: props.map(([name, kind]) => ({ name: `p_${name}`, kind })), rows })),
);

const SUFFIX: Record<Exclude<Kind, 'null'>, [string, string]> = { b: ['_b', 'boolean'], d: ['_d', 'double'], t: ['_t', 'datetime'], g: ['_g', 'guid'], s: ['_s', 'string'], json: ['_s', 'string'] };

/** What the column must hold for a sent value, as the admin API renders it. */
function expected(kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 't':
      return new Date(value as string).toISOString();
    case 'g': {
      const hex = (value as string).replaceAll('-', '').toLowerCase();
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'json':
      return JSON.stringify(value);
    case 'd':
      return JSON.parse(JSON.stringify(value)) as number; // -0 travels as 0
    default:
      return value;
  }
}

describe('Data Collector fuzz', () => {
  it('random records land with 200, typed per the suffix rules, values intact', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async ({ props, rows }) => {
        const logType = `Fuzz${++table}`;
        const records = rows.map((values, seq) => {
          const record: Record<string, unknown> = { seq };
          props.forEach((p, i) => {
            if (values[i] !== undefined) record[p.name] = values[i];
          });
          return record;
        });
        const res = await postLogs(url, records, { logType });
        expect(res.status, res.text).toBe(200);
        const stored: Record<string, unknown>[] = await getJson(url, `/_lab/tables/${logType}_CL/rows?limit=100`);
        expect(stored).toHaveLength(records.length);
        const columns = Object.fromEntries(((await getJson(url, '/_lab/tables')) as { name: string; columns: { name: string; type: string }[] }[]).find((t) => t.name === `${logType}_CL`)!.columns.map((c) => [c.name, c.type]));
        stored.sort((a, b) => (a.seq_d as number) - (b.seq_d as number));
        for (const p of props) {
          const sent = records.filter((r) => r[p.name] !== undefined && r[p.name] !== null);
          if (p.kind === 'null' || sent.length === 0) {
            expect(Object.keys(columns).filter((c) => c.length === p.name.length + 2 && c.startsWith(`${p.name}_`))).toEqual([]);
            continue;
          }
          const [suffix, type] = SUFFIX[p.kind];
          expect(columns[`${p.name}${suffix}`], `${p.name} → ${p.name}${suffix}`).toBe(type);
          records.forEach((r, i) => {
            const want = r[p.name] === undefined || r[p.name] === null ? null : expected(p.kind, r[p.name]);
            expect(stored[i]![`${p.name}${suffix}`], `${p.name}, record ${i}`).toEqual(want);
          });
        }
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  const VALID_BODY = JSON.stringify([{ host: 'ws-1', score: 7, ok: true, when: '2024-01-15T09:30:00.000Z' }]);
  const bodyText = fc.oneof(
    fc.string({ maxLength: 60, unit: 'binary' }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.nat(VALID_BODY.length - 1), fc.string({ maxLength: 3 })).map(([cut, junk]) => VALID_BODY.slice(0, cut) + junk),
  );

  it('any body text: 200, or exactly 400 InvalidDataFormat with the documented message — never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, async (text) => {
        const res = await postLogs(url, text, { logType: 'FuzzText' });
        let parsed: unknown;
        let isJson = true;
        try {
          parsed = JSON.parse(text);
        } catch {
          isJson = false;
        }
        const records = Array.isArray(parsed) ? parsed : [parsed];
        const allObjects = isJson && records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
        const reserved = allObjects && records.some((r) => Object.keys(r as object).some((k) => /^(tenant|timegenerated|rawdata)$/i.test(k)));
        if (allObjects && !reserved) {
          expect(res.status, res.text).toBe(200);
          return;
        }
        expect(res.status, res.text).toBe(400);
        expect(res.json.Error).toBe('InvalidDataFormat');
        if (!isJson) expect(res.json.Message).toMatch(/^Invalid JSON was submitted: /);
        else if (!allObjects) expect(res.json.Message).toMatch(/^Record \d+ is not a JSON object/);
        else expect(res.json.Message).toMatch(/reserved property/);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
