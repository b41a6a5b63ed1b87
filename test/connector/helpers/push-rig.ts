// A connector with polling off, the push receiver on 127.0.0.1:0 and a verifying sink.
import { createConnector, type Connector } from '../../../connector/index.ts';
import { startVerifyingSink, type ReceivedPost, type Reply, type VerifyingSink } from './verifying-sink.ts';
import { PRIMARY, PUSH_TOKEN, WS, silentLogger, tempState, testConfig } from './connector-env.ts';

export async function pushRig(o: { reply?: (p: ReceivedPost) => Reply | undefined } = {}) {
  const sink: VerifyingSink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, reply: o.reply });
  const state = tempState();
  // Polling is disabled: the Darktrace URL is never contacted.
  const c: Connector = createConnector(
    testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: sink.url, state, extra: { poll: { enabled: false } } }),
    { logger: silentLogger() },
  );
  await c.start();
  const { url } = await c.listen();
  const post = async (body: unknown) => {
    const res = await fetch(`${url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { accepted?: number; duplicates?: number; rejected?: { index: number; reason: string }[] } };
  };
  const close = async () => {
    await c.close();
    await sink.close();
  };
  return { c, sink, state, url, post, close, landed: () => sink.accepted().flatMap((p) => p.records) };
}
