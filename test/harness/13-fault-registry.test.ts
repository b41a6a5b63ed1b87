// The fault kinds validation knows (harness/scenario/fault-kinds.ts), the engine's fault objects
// (harness/engine/faults/registry.ts) and the schema's fault branches describe the same faults with the
// same parameters: a kind added to one and not the others fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, faultKind } from '../../harness/scenario/fault-kinds.ts';
import { FAULTS } from '../../harness/engine/faults/registry.ts';
import { SCHEMA_PATH, parseScenario } from '../../harness/scenario/load.ts';

interface Branch {
  if: { properties: { fault: { const: string } } };
  then: { $ref: string };
}
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
  properties: { faults: { items: { properties: { fault: { enum: string[] } }; allOf: Branch[] } } };
  $defs: Record<string, { properties: Record<string, unknown>; required?: string[] }>;
};
const items = schema.properties.faults.items;

describe('fault kinds', () => {
  it('the schema, the descriptors and the registry name the same faults', () => {
    const names = FAULT_KINDS.map((k) => k.name).sort();
    expect([...items.properties.fault.enum].sort()).toEqual(names);
    expect([...FAULTS.keys()].sort()).toEqual(names);
    for (const [name, kind] of FAULTS) expect(kind.descriptor.name).toBe(name);
  });

  it("each descriptor's parameters are the ones its schema branch allows", () => {
    for (const k of FAULT_KINDS) {
      const branch = items.allOf.find((b) => b.if.properties.fault.const === k.name);
      expect(branch, k.name).toBeDefined();
      const def = schema.$defs[branch!.then.$ref.replace('#/$defs/', '')]!;
      const allowed = Object.keys(def.properties).filter((p) => p !== 'at' && p !== 'fault');
      expect(Object.keys(k.params).sort(), k.name).toEqual(allowed.sort());
      expect([...k.required].sort(), k.name).toEqual([...(def.required ?? [])].sort());
    }
  });

  it('describes a fault from its parameters', () => {
    const f = { atMs: 0, fault: 'mock.status' as const, status: 429, retryAfter: 5, count: 3, route: 'any' as const, restartAfterMs: 0 };
    expect(FAULTS.get('mock.status')!.describe(f)).toBe('429 Retry-After 5s ×3');
    expect(FAULTS.get('connector.clockSkew')!.describe({ ...f, fault: 'connector.clockSkew', skewMs: -1_200_000 })).toBe(
      'connector signing clock -20m (PUT /debug/clock-skew)',
    );
    expect(faultKind('mock.nonsense')).toBeUndefined();
  });

  it("validation reports each topology a fault needs, from the fault's descriptor", () => {
    const r = parseScenario(
      ['name: t', 'duration: 10s', 'topology:', '  mock: { url: "http://127.0.0.1:1" }', 'faults:', '  - { at: 1s, fault: mock.roleMissing }', ''].join('\n'),
      'f.yaml',
    );
    expect(r.ok).toBe(false);
    const reasons = r.ok ? [] : r.errors.map((e) => `${e.line} ${e.path} ${e.reason}`);
    expect(reasons).toEqual([
      '6 faults[0].fault mock.roleMissing needs the in-process mock (an external workspace cannot be told to fail)',
      '6 faults[0].fault a role assignment applies to the Logs Ingestion sink (topology.sink: logsIngestion)',
    ]);
  });
});
