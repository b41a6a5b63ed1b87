// Issue 11 follow-up: how the appliance's clock is read for poll.clock: appliance — the /status
// `time` taken as reported (never rounded up), one reading shared per poll cycle, failures not kept.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../connector/config/load.ts';
import { DarktraceError } from '../../connector/darktrace/client.ts';
import { ApplianceClock, readStatusTime } from '../../connector/sources/appliance-clock.ts';

describe('poll.clock', () => {
  const raw = (poll: Record<string, unknown>) => ({
    darktrace: { url: 'http://127.0.0.1:1', publicToken: 'p', privateToken: 'k' },
    sentinel: { workspaceId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', sharedKey: 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==' },
    state: '/tmp/x',
    poll,
  });

  it('is local unless set; appliance is accepted; anything else is an error naming the key', () => {
    expect(resolveConfig(raw({})).poll.clock).toBe('local');
    expect(resolveConfig(raw({ clock: 'appliance' })).poll.clock).toBe('appliance');
    let err: unknown;
    try {
      resolveConfig(raw({ clock: 'ntp' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.join('\n')).toMatch(/^poll\.clock: /m);
  });
});

describe('readStatusTime', () => {
  it('reads YYYY-MM-DD HH:MM:SS as UTC, and a minute-truncated time as the start of its minute', () => {
    expect(readStatusTime({ time: '2023-12-31 14:41:07' })).toBe(Date.UTC(2023, 11, 31, 14, 41, 7));
    expect(readStatusTime({ time: '2023-12-31 14:41' })).toBe(Date.UTC(2023, 11, 31, 14, 41, 0));
  });

  it('a /status without a readable time is a Darktrace error naming poll.clock', () => {
    for (const body of [{}, { time: 1_700_000_000 }, { time: 'yesterday' }, [], 'ok']) {
      const err = (() => {
        try {
          readStatusTime(body);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DarktraceError);
      expect((err as DarktraceError).message).toMatch(/^GET \/status: .*poll\.clock: appliance/);
    }
  });
});

function rig(times: Array<string | Error>) {
  let mono = 0;
  const calls: Array<(v: unknown) => void> = [];
  const clock = new ApplianceClock({
    maxAgeMs: 60_000,
    localNow: () => Date.UTC(2024, 0, 15, 9, 30, 30),
    monotonicNow: () => mono,
    getStatus: () => {
      const t = times.shift()!;
      return t instanceof Error ? Promise.reject(t) : new Promise((resolve) => calls.push(() => resolve({ time: t })));
    },
  });
  const answer = async () => {
    await Promise.resolve();
    calls.shift()!(undefined);
  };
  return { clock, answer, pendingRequests: () => calls.length, advance: (ms: number) => void (mono += ms) };
}

describe('ApplianceClock', () => {
  it('concurrent reads share one request; the reading serves until it is maxAgeMs old', async () => {
    const r = rig(['2024-01-15 09:30:00', '2024-01-15 09:31:00']);
    const a = r.clock.now();
    const b = r.clock.now();
    expect(r.pendingRequests()).toBe(1);
    await r.answer();
    expect(await Promise.all([a, b])).toEqual([Date.UTC(2024, 0, 15, 9, 30), Date.UTC(2024, 0, 15, 9, 30)]);
    expect(r.clock.lastSkewMs).toBe(30_000);
    r.advance(59_999);
    expect(await r.clock.now()).toBe(Date.UTC(2024, 0, 15, 9, 30));
    r.advance(1);
    const c = r.clock.now();
    await r.answer();
    expect(await c).toBe(Date.UTC(2024, 0, 15, 9, 31));
  });

  it('invalidate() makes the next read ask again (pollNow)', async () => {
    const r = rig(['2024-01-15 09:30:00', '2024-01-15 09:30:05']);
    const a = r.clock.now();
    await r.answer();
    await a;
    r.clock.invalidate();
    const b = r.clock.now();
    await r.answer();
    expect(await b).toBe(Date.UTC(2024, 0, 15, 9, 30, 5));
  });

  it('a failed read is not kept: every waiter gets the error, the next read asks again', async () => {
    const r = rig([new DarktraceError('server', 'GET /status: 503', 503), '2024-01-15 09:30:00']);
    await expect(Promise.all([r.clock.now(), r.clock.now()])).rejects.toThrow('GET /status: 503');
    expect(r.clock.lastSkewMs).toBeUndefined();
    const b = r.clock.now();
    await r.answer();
    expect(await b).toBe(Date.UTC(2024, 0, 15, 9, 30));
  });

  it('a waiter whose poll is stopped stops waiting; the shared read goes on for the others', async () => {
    const r = rig(['2024-01-15 09:30:00']);
    const ac = new AbortController();
    const stopped = r.clock.now(ac.signal);
    const other = r.clock.now();
    ac.abort(new Error('stopped'));
    await expect(stopped).rejects.toThrow('stopped');
    await r.answer();
    expect(await other).toBe(Date.UTC(2024, 0, 15, 9, 30));
  });
});
