#!/usr/bin/env node
// The dtlab command. Installed from the package it runs the compiled CLI (dist/, plain Node); in a
// checkout, where the TypeScript sources sit beside it, it runs them through tsx's ESM loader so
// a change is picked up without a build (and a stale dist/ from an earlier `npm pack` is never used).
import { existsSync } from 'node:fs';

const source = new URL('../harness/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/harness/cli.js');
}
