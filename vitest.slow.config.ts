import { defineConfig } from 'vitest/config';
import { COMMON, SLOW_TESTS } from './vitest.config.ts';

// The slow end-to-end files alone (see SLOW_TESTS): `npm run test:slow`, run by `.ci/run` after the suite.
export default defineConfig({
  test: { ...COMMON, include: SLOW_TESTS, exclude: ['**/node_modules/**'] },
});
