// The README's library example ("Use it in your tests") is 15-library-readme-example.test.ts word
// for word, but for the import the package name resolves to: the example shown is one that passes.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';

it('the README library example is test/package/15-library-readme-example.test.ts with the package import', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your tests'));
  const shown = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code!.includes('startMockSentinel'));
  const tested = await readFile(new URL('./15-library-readme-example.test.ts', import.meta.url), 'utf8');
  expect(shown).toBe(tested.replace("'../../harness/library/index.ts'", "'darktrace-sentinel-lab'"));
});
