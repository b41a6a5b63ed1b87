// An HTTPS server carrying only the mock Entra routes, for the tests of the Entra part alone.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Agent } from 'undici';
import { createMockEntra, type MockEntra, type MockEntraOptions } from '../../mock-sentinel/entra/index.ts';
import { prepareLabTls, type LabTls } from '../../mock-sentinel/tls/lab-tls.ts';

export interface EntraServer {
  entra: MockEntra;
  tls: LabTls;
  origin: string;
  /** undici dispatcher that trusts the lab CA (for fetch). */
  dispatcher: Agent;
  /** node https.Agent that trusts the lab CA (for the Azure SDK's `agent` option). */
  httpsAgent: https.Agent;
  close(): Promise<void>;
}

export async function startEntraServer(opts: MockEntraOptions = {}): Promise<EntraServer> {
  const tls = await prepareLabTls();
  const entra = createMockEntra(opts);
  const app = express();
  app.use(entra.router);
  const server = https.createServer({ cert: tls.cert, key: tls.key }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dispatcher = new Agent({ connect: { ca: tls.ca } });
  const httpsAgent = new https.Agent({ ca: tls.ca, keepAlive: false });
  return {
    entra,
    tls,
    origin,
    dispatcher,
    httpsAgent,
    async close() {
      httpsAgent.destroy();
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tls.dispose();
    },
  };
}
