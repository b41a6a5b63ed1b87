#!/usr/bin/env node
// Installed entry point: runs the TypeScript CLI through tsx's ESM loader.
import { register } from 'tsx/esm/api';
register();
await import('../harness/cli.ts');
