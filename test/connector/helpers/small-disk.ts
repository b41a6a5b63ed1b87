// A filesystem that can be filled, for the disk-full tests: a size-limited tmpfs where this
// machine lets us mount one (root, as CI runs), else an injected ENOSPC from a fake node:fs that
// the test file installs with vi.mock (see fullDiskFs). The test prints which one it got.
//
// Only node:fs/promises and node:child_process are used here: the test file mocks node:fs itself.
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

type Fs = typeof import('node:fs');

/** What the fake node:fs reads: which tree it guards and whether that tree's disk is full. */
export interface InjectedDisk {
  root?: string;
  full: boolean;
  fds: Map<number, string>;
}

export function injectedDisk(): InjectedDisk {
  return { full: false, fds: new Map() };
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/**
 * node:fs as a full filesystem sees it, for files under `st.root` while `st.full`: a write that
 * would grow a file fails with ENOSPC (an overwrite inside the file's size succeeds, as on a real
 * full disk), and statfs reports no free bytes.
 */
export function fullDiskFs(fs: Fs, st: InjectedDisk): Fs {
  const under = (p: unknown) => st.root !== undefined && String(p).startsWith(st.root);
  const openSync = ((p: Parameters<Fs['openSync']>[0], flags?: Parameters<Fs['openSync']>[1], mode?: Parameters<Fs['openSync']>[2]) => {
    const fd = fs.openSync(p, flags ?? 'r', mode);
    if (under(p)) st.fds.set(fd, String(p));
    return fd;
  }) as Fs['openSync'];
  const closeSync = ((fd: number) => {
    st.fds.delete(fd);
    fs.closeSync(fd);
  }) as Fs['closeSync'];
  const writeSync = ((fd: number, buffer: NodeJS.ArrayBufferView, offset?: number, length?: number, position?: number | null) => {
    if (st.full && st.fds.has(fd)) {
      const size = fs.fstatSync(fd).size;
      const len = typeof length === 'number' ? length : buffer.byteLength - (offset ?? 0);
      if ((typeof position === 'number' ? position : size) + len > size) throw enospc();
    }
    return fs.writeSync(fd, buffer, offset, length, position);
  }) as Fs['writeSync'];
  const writeFileSync = ((file: Parameters<Fs['writeFileSync']>[0], data: Parameters<Fs['writeFileSync']>[1], o?: Parameters<Fs['writeFileSync']>[2]) => {
    if (st.full && under(file)) throw enospc();
    return fs.writeFileSync(file, data, o);
  }) as Fs['writeFileSync'];
  const statfsSync = ((p: Parameters<Fs['statfsSync']>[0], o?: Parameters<Fs['statfsSync']>[1]) => {
    const s = fs.statfsSync(p, o as never);
    return st.full && under(p) ? Object.assign(Object.create(Object.getPrototypeOf(s) as object), s, { bavail: 0, bfree: 0 }) : s;
  }) as Fs['statfsSync'];
  const fake = { openSync, closeSync, writeSync, writeFileSync, statfsSync };
  return { ...fs, ...fake, default: { ...fs, ...fake } } as Fs;
}

export interface SmallDisk {
  /** An empty directory on the small filesystem. */
  dir: string;
  kind: 'tmpfs' | 'injected ENOSPC';
  /** Fills the filesystem: every write that needs a new block fails with ENOSPC. */
  fill(): Promise<void>;
  /** Frees what fill() took. */
  release(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A size-limited tmpfs when `mount` works here, else the injected disk `st` (installed by the
 * caller's vi.mock). DTLAB_SMALL_DISK=injected forces the injected one (to test that path as root).
 */
export async function smallDisk(st: InjectedDisk, bytes = 4 << 20): Promise<SmallDisk> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dtlab-small-disk-'));
  const filler = path.join(dir, 'filler');
  let mounted = false;
  if (process.getuid?.() === 0 && process.env.DTLAB_SMALL_DISK !== 'injected') {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      /* not allowed here (an unprivileged container): inject instead */
    }
  }
  if (mounted) {
    return {
      dir,
      kind: 'tmpfs',
      async fill() {
        const fh = await open(filler, 'a');
        try {
          for (const chunk of [1 << 16, 1 << 12, 1]) {
            const buf = Buffer.alloc(chunk, 0x78);
            for (;;) {
              try {
                await fh.write(buf);
              } catch (err) {
                if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
                throw err;
              }
            }
          }
        } finally {
          await fh.close();
        }
      },
      async release() {
        await unlink(filler).catch(() => undefined);
      },
      async close() {
        try {
          execFileSync('umount', ['-l', dir], { stdio: 'ignore' }); // lazy: files a failed test left open do not block it
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  }
  st.root = dir;
  return {
    dir,
    kind: 'injected ENOSPC',
    async fill() {
      st.full = true;
    },
    async release() {
      st.full = false;
    },
    async close() {
      st.full = false;
      st.root = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
