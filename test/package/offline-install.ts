// Installs a packed tarball into a fresh project with npm, without the network: the project's
// package-lock.json is cut from the checkout's own (the versions and integrity hashes `npm ci`
// already put in the npm cache), so `npm ci --offline` resolves every package from the cache.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

/** The lock entry Node's resolution would find for `name` required from the package at `from` ('' = root). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/**
 * Writes `project/package.json` and `project/package-lock.json` for a project depending on the
 * tarball and on `extra` (names of packages the checkout's lock holds, at its versions), then runs
 * `npm ci --offline` there.
 */
export async function installTarballOffline(opts: { checkout: string; tarball: string; project: string; extra: string[] }): Promise<void> {
  const lock = JSON.parse(readFileSync(path.join(opts.checkout, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages = lock.packages;
  const manifest = JSON.parse(readFileSync(path.join(opts.checkout, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string> };
  const tarballRef = `file:${path.relative(opts.project, opts.tarball)}`;
  const rootDeps: Record<string, string> = { [manifest.name]: tarballRef };
  for (const name of opts.extra) rootDeps[name] = packages[`node_modules/${name}`]?.version ?? fail(`${name} is not in the checkout's lock`);

  // Every lock entry reachable from the package's dependencies and the extras, at the checkout's paths.
  const out: Record<string, LockEntry> = {};
  const visit = (from: string, deps: Record<string, string> | undefined, optional = false) => {
    for (const name of Object.keys(deps ?? {})) {
      const key = resolveIn(packages, from, name);
      if (!key) {
        if (optional) continue;
        fail(`${name} (needed by ${from || 'the package'}) is not in the checkout's lock`);
      }
      if (out[key]) continue;
      const { dev, devOptional, peer, ...entry } = packages[key]!;
      void dev, void devOptional, void peer;
      out[key] = entry;
      visit(key, entry.dependencies);
      visit(key, entry.optionalDependencies, true);
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
      visit(key, Object.fromEntries(peers.map((p) => [p, '*'])), true);
    }
  };
  visit('', manifest.dependencies);
  visit('', Object.fromEntries(opts.extra.map((n) => [n, '*'])));
  // The dependencies are links to the checkout's installed copies (npm creates the symlinks): the
  // same versions, nothing copied, nothing fetched. Nested entries live inside the linked folders.
  const linked: Record<string, LockEntry> = {};
  for (const [key, entry] of Object.entries(out)) {
    if (key.lastIndexOf('node_modules/') !== 0) continue;
    const target = path.relative(opts.project, path.join(opts.checkout, key));
    linked[key] = { resolved: target, link: true };
    linked[target] = entry;
  }
  const integrity = 'sha512-' + createHash('sha512').update(readFileSync(opts.tarball)).digest('base64');
  const project = { name: 'user-project', version: '1.0.0', private: true, type: 'module', dependencies: rootDeps };
  writeFileSync(path.join(opts.project, 'package.json'), JSON.stringify(project, null, 2));
  writeFileSync(
    path.join(opts.project, 'package-lock.json'),
    JSON.stringify(
      {
        name: project.name,
        version: project.version,
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: project.name, version: project.version, dependencies: rootDeps },
          [`node_modules/${manifest.name}`]: { version: manifest.version, resolved: tarballRef, integrity, license: 'MIT', dependencies: manifest.dependencies, bin: manifest.bin, engines: { node: '>=20' } },
          ...linked,
        },
      },
      null,
      2,
    ),
  );
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: opts.project, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function fail(message: string): never {
  throw new Error(`offline install: ${message}`);
}
