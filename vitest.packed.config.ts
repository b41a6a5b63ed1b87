import { defineConfig } from 'vitest/config';
import base, { PACKED_TEST } from './vitest.config.ts';

// The packed-package test alone: `npm pack` (tsc builds dist/), the tarball installed offline into a
// fresh project, `npx dtlab`, and the README's examples run there. Kept out of `npm test` for its
// build time; `.ci/run` runs it after the suite.
export default defineConfig({
  test: { ...base.test, include: [PACKED_TEST], exclude: ['**/node_modules/**'] },
});
