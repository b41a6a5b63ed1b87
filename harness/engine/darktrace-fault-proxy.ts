// A fault-injecting HTTP proxy in front of the Darktrace API (the simulator has no fault hook of its
// own). authError corrupts the request's DTAPI-Signature so the simulator itself answers with its
// genuine `API SIGNATURE ERROR`; status answers 5xx without reaching it; slow delays the forward.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatorFault } from './simulator-driver.ts';

export interface FaultProxy {
  url: string;
  setFault(f: SimulatorFault | undefined): void;
  /** Requests answered or altered by a fault. */
  faulted: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const t = new URL(target);
  let fault: SimulatorFault | undefined;
  const state = { faulted: 0 };
  const server = http.createServer((req, res) => {
    const f = fault;
    const forward = () => {
      const headers: http.OutgoingHttpHeaders = { ...req.headers, host: t.host };
      if (f?.kind === 'authError') {
        state.faulted++;
        headers['dtapi-signature'] = '0'.repeat(40);
      }
      const up = http.request({ hostname: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad Gateway');
      });
      req.pipe(up);
    };
    if (f?.kind === 'status') {
      state.faulted++;
      req.resume();
      res.writeHead(f.status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${f.status}</h1></body></html>`);
      return;
    }
    if (f?.kind === 'slow') {
      state.faulted++;
      setTimeout(forward, f.latencyMs);
      return;
    }
    forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFault(f) {
      fault = f;
    },
    get faulted() {
      return state.faulted;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
