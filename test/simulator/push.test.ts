// Push mode against a local receiver: a JSON body per alert, bearer token, order kept per type,
// retries with backoff on 5xx and connection errors, types filter, raw format.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSimulator, type AlertType, type PushTarget } from '../../simulator/index.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: any;
}

async function receiver(respond: (n: number) => number = () => 200) {
  const received: Received[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const status = respond(n++);
      if (status === 200) received.push({ headers: req.headers, body: JSON.parse(data) });
      res.writeHead(status, status === 503 ? { 'retry-after': '0' } : {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())), attempts: () => n };
}

function sim(push: PushTarget[]) {
  return createSimulator({ seed: 3, clockStart: '2024-01-15T09:30:00Z', speed: 0, backfill: '2h', rates: 'story=0', push });
}

describe('push mode', () => {
  it('POSTs each new alert (not the backfill) as {type, alert} with the bearer token, in order per type', async () => {
    const rx = await receiver();
    const s = sim([{ url: rx.url, token: 'dtlab-push-token' }]);
    try {
      const backfilled = s.engine.truth.length;
      s.advance(3_600_000);
      const fresh = s.engine.truth.slice(backfilled);
      expect(fresh.length).toBeGreaterThan(50);
      await s.pushers[0]!.idle();
      expect(rx.received.length).toBe(fresh.length);
      for (const r of rx.received) {
        expect(r.headers.authorization).toBe('Bearer dtlab-push-token');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['x-darktrace-alert-type']).toBe(r.body.type);
        expect(Object.keys(r.body)).toEqual(['type', 'alert']);
      }
      for (const type of ['modelBreach', 'aiAnalyst', 'systemAlert', 'email'] as AlertType[]) {
        const sent = rx.received.filter((r) => r.body.type === type).map((r) => JSON.stringify(r.body.alert));
        const expected = fresh.filter((i) => i.type === type).map((i) => JSON.stringify(s.alertFor(type, i.id, i.seq)));
        if (type !== 'aiAnalyst' && type !== 'modelBreach') expect(sent).toEqual(expected);
        else expect(sent.map((t) => JSON.parse(t).pbid ?? JSON.parse(t).id)).toEqual(fresh.filter((i) => i.type === type).map((i) => (type === 'modelBreach' ? Number(i.id) : i.id)));
      }
    } finally {
      await s.close();
      await rx.close();
    }
  });

  it('retries 503s with backoff (honouring Retry-After) and still delivers every alert in order', async () => {
    const rx = await receiver((n) => (n % 3 === 0 ? 503 : 200));
    const s = sim([{ url: rx.url, token: 't', types: ['email'], initialBackoffMs: 1 }]);
    const retries: unknown[] = [];
    s.events.on('push:retry', (e) => retries.push(e));
    try {
      const before = s.engine.truth.length;
      s.advance(30 * 60_000);
      const emails = s.engine.truth.slice(before).filter((i) => i.type === 'email').map((i) => i.id);
      await s.pushers[0]!.idle();
      expect(retries.length).toBeGreaterThan(0);
      expect(rx.received.map((r) => r.body.alert.uuid)).toEqual(emails);
      expect(rx.received.every((r) => r.body.type === 'email')).toBe(true);
    } finally {
      await s.close();
      await rx.close();
    }
  });

  it('keeps retrying while the receiver is down and delivers once it is back', async () => {
    const probe = await receiver();
    const url = probe.url;
    await probe.close();
    const s = sim([{ url, types: ['systemAlert'], initialBackoffMs: 5, maxBackoffMs: 20 }]);
    try {
      const retried = new Promise<void>((resolve) => s.events.once('push:retry', () => resolve()));
      s.startStory('probe-outage', { duration: '1m' });
      await retried;
      // Bring a receiver up on the same port.
      const port = Number(new URL(url).port);
      const received: any[] = [];
      const server = http.createServer((req, res) => {
        let data = '';
        req.on('data', (d) => (data += d));
        req.on('end', () => {
          received.push(JSON.parse(data));
          res.writeHead(202).end();
        });
      });
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      s.advance(2 * 60_000);
      await s.pushers[0]!.idle();
      expect(received.map((b) => b.alert.status)).toEqual(['active', 'resolved']);
      await new Promise<void>((r) => server.close(() => r()));
    } finally {
      await s.close();
    }
  });

  it('a permanent 4xx is reported as push:failed and the queue moves on', async () => {
    const rx = await receiver((n) => (n === 0 ? 400 : 200));
    const s = sim([{ url: rx.url, types: ['email'], format: 'raw' }]);
    const failed: any[] = [];
    s.events.on('push:failed', (e) => failed.push(e));
    try {
      s.emitNow('email', 3);
      await s.pushers[0]!.idle();
      expect(failed).toHaveLength(1);
      expect(failed[0].status).toBe(400);
      expect(rx.received).toHaveLength(2);
      expect(rx.received[0]!.body.uuid).toMatch(/\.1$/);
      expect(rx.received[0]!.headers['x-darktrace-alert-type']).toBe('email');
    } finally {
      await s.close();
      await rx.close();
    }
  });

  it('the queue is bounded: alerts beyond maxQueue are dropped and reported', async () => {
    const rx = await receiver(() => 503);
    const s = sim([{ url: rx.url, types: ['modelBreach'], maxQueue: 5, initialBackoffMs: 60_000 }]);
    const dropped: unknown[] = [];
    s.events.on('push:dropped', (e) => dropped.push(e));
    try {
      s.emitNow('modelBreach', 12);
      expect(s.pushers[0]!.pending()).toBe(5);
      expect(dropped).toHaveLength(7);
    } finally {
      await s.close();
      await rx.close();
    }
  });
});
