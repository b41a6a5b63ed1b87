// Authenticates one /api/logs request (azure-ingestion.md A4, A10): Authorization present, scheme,
// known workspace, x-ms-date within the skew, signature with the primary or secondary key. Every
// failure is 403 InvalidAuthorization; the message says which check failed, never with key material.
import { dataCollectorErrors } from '../errors/dataCollectorErrors.ts';
import { buildStringToSign, parseAuthorization, parseRfc1123, verifySignature } from './sharedKey.ts';
import type { Workspace, WorkspaceRegistry } from './workspaces.ts';

export interface SignedRequest {
  authorization: string | undefined;
  date: string | undefined;
  /** The Content-Type header exactly as received: it is what the service signs. */
  contentType: string;
  /** UTF-8 byte length of the body as received. */
  bodyLength: number;
  /** Workspace named by the host (`<id>.ods.opinsights.azure.com`), when the request used one. */
  hostWorkspaceId?: string;
}

export interface AuthenticationPolicy {
  clockSkewMinutes: number;
  /** 'reject': a Content-Type with parameters fails the signature even when the client signed it. */
  contentTypeParameters: 'accept' | 'reject';
}

export class DataCollectorAuthenticator {
  constructor(
    private readonly workspaces: WorkspaceRegistry,
    private readonly policy: AuthenticationPolicy,
    private readonly now: () => Date,
  ) {}

  authenticate(request: SignedRequest): Workspace {
    const auth = parseAuthorization(request.authorization);
    if (auth.kind === 'missing') throw dataCollectorErrors.noAuthorization();
    if (auth.kind === 'invalid-scheme') throw dataCollectorErrors.invalidScheme();
    if (auth.kind === 'malformed') throw dataCollectorErrors.invalidSignature();
    const workspace = this.workspaces.get(auth.workspaceId);
    if (!workspace) throw dataCollectorErrors.invalidSignature();
    if (request.hostWorkspaceId !== undefined && request.hostWorkspaceId.toLowerCase() !== workspace.id) {
      throw dataCollectorErrors.invalidSignature();
    }
    if (request.date === undefined || request.date === '') throw dataCollectorErrors.missingDate();
    const date = parseRfc1123(request.date);
    if (!date) throw dataCollectorErrors.invalidDate();
    const skewMs = Math.abs(this.now().getTime() - date.getTime());
    if (skewMs > this.policy.clockSkewMinutes * 60_000) throw dataCollectorErrors.dateOutsideSkew(this.policy.clockSkewMinutes);
    if (this.policy.contentTypeParameters === 'reject' && request.contentType.includes(';')) {
      throw dataCollectorErrors.invalidSignature();
    }
    const stringToSign = buildStringToSign(request.bodyLength, request.contentType, request.date);
    if (!verifySignature(stringToSign, auth.signature, workspace.keys)) throw dataCollectorErrors.invalidSignature();
    if (workspace.inactive) throw dataCollectorErrors.inactiveCustomer();
    return workspace;
  }
}
