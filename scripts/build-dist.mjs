// The package build (`npm run build`, and `prepack` before `npm pack`): compiled JavaScript and
// declarations under dist/ from tsconfig.build.json, plus the files the code reads at run time
// through import.meta.url paths, at the same places relative to the compiled modules.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

/** Every non-TypeScript file read at run time (web page, DCR, shipped analytic rules, scenario schema and library, example configs). */
export const RUNTIME_FILES = [
  'mock-sentinel/web/index.html',
  'mock-sentinel/dcr',
  'mock-sentinel/analytics/rules',
  'harness/engine/darktrace-columns.json',
  'scenarios',
  'connector/examples',
];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const file of RUNTIME_FILES) {
  const from = path.join(root, file);
  if (!existsSync(from)) throw new Error(`build-dist: runtime file ${file} is missing`);
  cpSync(from, path.join(dist, file), { recursive: true });
}
process.stdout.write(`build-dist: dist/ built (${RUNTIME_FILES.length} runtime paths copied)\n`);
