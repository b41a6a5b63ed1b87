// A tiny Data Collector endpoint for tests: verifies SharedKey exactly as azure-ingestion.md A4
// describes (received byte length and Content-Type, base64-decoded key, constant-time compare),
// records every post, and answers what the test scripts (default 200).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  n: number;
  headers: IncomingMessage['headers'];
  body: string;
  bytes: number;
  signatureValid: boolean;
  keyUsed?: 'primary' | 'secondary';
  records: Array<Record<string, unknown>>;
  /** What was answered (0 = connection dropped). */
  status: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'drop';

export interface VerifyingSink {
  url: string;
  posts: ReceivedPost[];
  /** Posts answered 200 with a valid signature, in order. */
  accepted(): ReceivedPost[];
  close(): Promise<void>;
}

export async function startVerifyingSink(opts: {
  workspaceId: string;
  keys: { primary?: string; secondary?: string };
  reply?: (post: ReceivedPost) => Reply | undefined;
  /** Awaited before answering (to hold a post in flight). */
  hold?: (post: ReceivedPost) => Promise<void>;
}): Promise<VerifyingSink> {
  const posts: ReceivedPost[] = [];
  const keys = Object.entries(opts.keys).filter(([, v]) => v) as Array<['primary' | 'secondary', string]>;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const stringToSign = `POST\n${raw.length}\n${req.headers['content-type']}\nx-ms-date:${req.headers['x-ms-date']}\n/api/logs`;
      const got = Buffer.from(String(req.headers.authorization ?? ''));
      let keyUsed: 'primary' | 'secondary' | undefined;
      for (const [name, key] of keys) {
        const want = Buffer.from(`SharedKey ${opts.workspaceId}:${createHmac('sha256', Buffer.from(key, 'base64')).update(stringToSign, 'utf8').digest('base64')}`);
        if (want.length === got.length && timingSafeEqual(want, got)) keyUsed = name;
      }
      let records: Array<Record<string, unknown>> = [];
      try {
        records = JSON.parse(raw.toString('utf8')) as Array<Record<string, unknown>>;
      } catch {
        /* recorded as is */
      }
      const post: ReceivedPost = { n: posts.length + 1, headers: req.headers, body: raw.toString('utf8'), bytes: raw.length, signatureValid: keyUsed !== undefined, keyUsed, records, status: 0 };
      posts.push(post);
      await opts.hold?.(post);
      const r = opts.reply?.(post) ?? (keyUsed ? { status: 200 } : { status: 403, body: JSON.stringify({ Error: 'InvalidAuthorization', Message: 'An invalid signature was specified in the Authorization header' }) });
      post.status = r === 'drop' ? 0 : r.status;
      if (r === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    accepted: () => posts.filter((p) => p.signatureValid && p.status === 200),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
