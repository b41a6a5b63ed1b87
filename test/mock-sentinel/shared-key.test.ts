// The spec's SharedKey test vectors (azure-ingestion.md A4) against the mock's signing and verification.
import { describe, expect, it } from 'vitest';
import {
  buildStringToSign,
  parseAuthorization,
  parseRfc1123,
  signSharedKey,
  verifySignature,
} from '../../mock-sentinel/authentication/sharedKey.ts';
import { PRIMARY_KEY, SECONDARY_KEY } from './helpers.ts';

const DATE = 'Mon, 04 Apr 2016 08:00:00 GMT';

describe('SharedKey test vectors (spec A4)', () => {
  it('doc example string: 1024 bytes, application/json', () => {
    const s = buildStringToSign(1024, 'application/json', DATE);
    expect(s).toBe('POST\n1024\napplication/json\nx-ms-date:Mon, 04 Apr 2016 08:00:00 GMT\n/api/logs');
    expect(signSharedKey(s, PRIMARY_KEY)).toBe('9WOOz5W3lYV8+wcm1hn0Z+Qbwms0CpeReXxZI4uyNik=');
  });

  it('22-byte UTF-8 body, correct byte length', () => {
    expect(Buffer.byteLength('[{"msg":"héllo ✓"}]', 'utf8')).toBe(22);
    expect(signSharedKey(buildStringToSign(22, 'application/json', DATE), PRIMARY_KEY)).toBe(
      '+4GnF2wxIZ2q7x9AEd50+77lrDxe9ig3RXwSdy5E+Jo=',
    );
  });

  it('same body, character-count bug (19)', () => {
    expect(signSharedKey(buildStringToSign(19, 'application/json', DATE), PRIMARY_KEY)).toBe(
      'XjuLxEi0vRLUFmWmKfcgKncuAl4V60w7Yr4F7TKGIu0=',
    );
  });

  it('same body, charset in the signed type', () => {
    expect(signSharedKey(buildStringToSign(22, 'application/json; charset=utf-8', DATE), PRIMARY_KEY)).toBe(
      'TI/dQFBiE6jEsTEo1sKyuu2qjNmWf3Y46c+VTMzK24g=',
    );
  });
});

describe('signature verification', () => {
  const keys = [Buffer.from(PRIMARY_KEY, 'base64'), Buffer.from(SECONDARY_KEY, 'base64')];
  const s = buildStringToSign(22, 'application/json', DATE);

  it('accepts the primary or the secondary key', () => {
    expect(verifySignature(s, '+4GnF2wxIZ2q7x9AEd50+77lrDxe9ig3RXwSdy5E+Jo=', keys)).toBe(true);
    expect(verifySignature(s, signSharedKey(s, SECONDARY_KEY), keys)).toBe(true);
  });

  it('rejects the character-count signature, a truncated one and garbage', () => {
    expect(verifySignature(s, 'XjuLxEi0vRLUFmWmKfcgKncuAl4V60w7Yr4F7TKGIu0=', keys)).toBe(false);
    expect(verifySignature(s, '+4GnF2wxIZ2q7x9AEd50', keys)).toBe(false);
    expect(verifySignature(s, '', keys)).toBe(false);
    expect(verifySignature(s, '!!!not base64!!!', keys)).toBe(false);
  });

  it('rejects a signature made with the key not base64-decoded (pitfall A9.4)', async () => {
    const { createHmac } = await import('node:crypto');
    const wrong = createHmac('sha256', PRIMARY_KEY).update(s, 'utf8').digest('base64');
    expect(verifySignature(s, wrong, keys)).toBe(false);
  });
});

describe('Authorization header parsing', () => {
  it('splits SharedKey <workspace>:<signature>', () => {
    expect(parseAuthorization('SharedKey ws:abc=')).toEqual({ kind: 'shared-key', workspaceId: 'ws', signature: 'abc=' });
  });
  it('missing, wrong scheme, and a literal "Authorization:" prefix', () => {
    expect(parseAuthorization(undefined)).toEqual({ kind: 'missing' });
    expect(parseAuthorization('Bearer abc')).toEqual({ kind: 'invalid-scheme' });
    expect(parseAuthorization('Authorization: SharedKey ws:abc')).toEqual({ kind: 'invalid-scheme' });
  });
});

describe('x-ms-date (RFC 1123)', () => {
  it('parses the documented form', () => {
    expect(parseRfc1123(DATE)?.toISOString()).toBe('2016-04-04T08:00:00.000Z');
  });
  it('rejects other zones and layouts (pitfall A9.3)', () => {
    expect(parseRfc1123('Mon, 04 Apr 2016 08:00:00 UTC')).toBeUndefined();
    expect(parseRfc1123('Mon, 04 Apr 2016 08:00:00 +0000')).toBeUndefined();
    expect(parseRfc1123('2016-04-04T08:00:00Z')).toBeUndefined();
    expect(parseRfc1123('Mon, 31 Apr 2016 08:00:00 GMT')).toBeUndefined();
  });
});
