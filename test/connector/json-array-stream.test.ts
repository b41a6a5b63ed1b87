// The streamed array splitter behind poll responses: elements come out whole whatever the chunking,
// strings with brackets, commas, escapes and multi-byte characters included; bad input is an error.
import { describe, expect, it } from 'vitest';
import { JsonArrayError, JsonArrayStream } from '../../connector/darktrace/json-array-stream.ts';

function split(text: string, chunkSize: number): { items: unknown[]; notAnArray: boolean } {
  const items: unknown[] = [];
  const s = new JsonArrayStream((b) => items.push(JSON.parse(b.toString('utf8'))));
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length && !s.notAnArray; i += chunkSize) s.write(buf.subarray(i, i + chunkSize));
  if (!s.notAnArray) s.end();
  return { items, notAnArray: s.notAnArray };
}

const value = [
  { pbid: 1, model: { name: 'A::B', tags: ['x', 'y]'] }, note: 'comma, brace } bracket ] quote \" back\\slash', u: 'héllo ✓ 𝄞' },
  [1, [2, 3], { a: [] }],
  42,
  'a "string", with ] inside',
  null,
  true,
  {},
];

describe('JsonArrayStream', () => {
  it('yields each element of the array for every chunk size', () => {
    const text = ` \n${JSON.stringify(value, null, 1)}\n `;
    for (const size of [1, 2, 3, 7, 64, 100_000]) expect(split(text, size).items, `chunk ${size}`).toEqual(value);
  });

  it('an empty array yields nothing', () => {
    expect(split('[ ]', 1).items).toEqual([]);
  });

  it('an object body is reported as not an array (the client then reads it whole)', () => {
    expect(split('{"error":"API SIGNATURE ERROR"}', 4).notAnArray).toBe(true);
  });

  it('a truncated array is an error', () => {
    expect(() => split('[{"pbid":1},{"pbid"', 5)).toThrow(JsonArrayError);
  });

  it('bytes after the array are an error', () => {
    expect(() => split('[1] x', 2)).toThrow(JsonArrayError);
  });
});
