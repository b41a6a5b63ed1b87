// nock is an optional peer dependency: the interceptors must register on the test's own nock. Loaded
// here so that a missing or older nock is one clear error naming the fix, not ERR_MODULE_NOT_FOUND
// from deep inside this package or interceptors that silently miss fetch (nock 13 does not patch it).
import { createRequire } from 'node:module';
import type Nock from 'nock';

/** Why the installed nock (its version, or undefined when there is none) cannot serve; undefined when it can. */
export function nockProblem(version: string | undefined): string | undefined {
  const fix = 'npm install --save-dev nock@14';
  if (version === undefined) return `darktrace-sentinel-lab/nock needs nock 14 in your project (a peer dependency): ${fix}`;
  if (Number(version.split('.')[0]) !== 14) return `darktrace-sentinel-lab/nock needs nock 14 (it intercepts fetch on Node 20); found nock ${version}: ${fix}`;
  return undefined;
}

function installedNockVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('nock/package.json') as { version: string }).version;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

async function loadNock(): Promise<typeof Nock> {
  const problem = nockProblem(installedNockVersion());
  if (problem) throw new Error(problem);
  return (await import('nock')).default;
}

export const nock = await loadNock();
