// The README's "Use it in your tests" example is the test file 15-readme-example.test.ts, word for
// word (but for the import the package name resolves to), so the example shown is one that passes.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';

it('the README example is test/nock/15-readme-example.test.ts with the package import', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your tests'));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const tested = await readFile(new URL('./15-readme-example.test.ts', import.meta.url), 'utf8');
  expect(shown).toBe(tested.replace("'../../harness/nock/index.ts'", "'darktrace-sentinel-lab/nock'"));
});
