// A connector with polling off, the push receiver on 127.0.0.1:0 and a verifying sink.
import type { Logger } from 'pino';
import { afterEach } from 'vitest';
import { createConnector, type Connector } from '../../../connector/index.ts';
import { startVerifyingSink, type ReceivedPost, type Reply, type VerifyingSink } from './verifying-sink.ts';
import { PRIMARY, PUSH_TOKEN, WS, silentLogger, tempState, testConfig } from './connector-env.ts';

export async function pushRig(o: { reply?: (p: ReceivedPost) => Reply | undefined; hold?: (p: ReceivedPost) => Promise<void>; state?: string; extra?: Record<string, any>; logger?: Logger } = {}) {
  const sink: VerifyingSink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, reply: o.reply, hold: o.hold });
  const state = o.state ?? tempState();
  // Polling is disabled: the Darktrace URL is never contacted.
  const c: Connector = createConnector(
    testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: sink.url, state, extra: { poll: { enabled: false }, ...o.extra } }),
    { logger: o.logger ?? silentLogger() },
  );
  await c.start();
  const { url } = await c.listen();
  /** Posts `body` as JSON, or as is when it is a string (text that may not be JSON). */
  const post = async (body: unknown) => {
    const res = await fetch(`${url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> & { accepted?: number; duplicates?: number; rejected?: { index: number; reason: string }[] } };
  };
  const close = async () => {
    await c.close();
    await sink.close();
  };
  return { c, sink, state, url, post, close, landed: () => sink.accepted().flatMap((p) => p.records) };
}

export type PushRig = Awaited<ReturnType<typeof pushRig>>;

/** pushRig for one test file: every rig it makes is closed after each test. */
export function pushRigPerTest(): (o?: Parameters<typeof pushRig>[0]) => Promise<PushRig> {
  const made: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (made.length) await made.pop()!();
  });
  return async (o = {}) => {
    const r = await pushRig(o);
    made.push(r.close);
    return r;
  };
}
