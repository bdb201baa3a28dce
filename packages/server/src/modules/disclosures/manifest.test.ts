import { encrypt, generateIdentity, parseHeader } from '@porchlight/age';
import { describe, expect, it } from 'vitest';
import { parseManifest, plaintextLength } from './manifest.js';

const REQUEST = 'rq_AAAAAAAAAAAAAAAAAAAAAA';

describe('plaintextLength', () => {
  it.each([0, 1, 65_535, 65_536, 65_537, 131_072, 131_073, 200_000])(
    'recovers %i plaintext bytes from the size of a real age payload',
    async (n) => {
      const { recipient } = await generateIdentity();
      const file = await encrypt(new Uint8Array(n), [recipient]);
      const header = parseHeader(file)!;
      expect(plaintextLength(file.length - header.headerLength)).toBe(n);
    },
  );

  it('refuses payloads too short to hold a nonce and one tag', () => {
    expect(plaintextLength(31)).toBeUndefined();
    expect(plaintextLength(0)).toBeUndefined();
  });
});

describe('parseManifest', () => {
  const good = {
    plaintextSha256: 'a'.repeat(64),
    captureStart: '2026-11-18T10:00:00.123Z',
    captureEnd: '2026-11-18T11:01:00+01:00',
    redactions: [{ kind: 'privacy_zone', zone: 'window' }],
  };

  it('keeps what the owner said, normalising times to UTC', () => {
    expect(parseManifest(JSON.stringify({ ...good, coarseCell: '8828308281fffff' }), REQUEST)).toEqual({
      manifest: {
        requestId: REQUEST,
        plaintextSha256: 'a'.repeat(64),
        captureStart: '2026-11-18T10:00:00.123Z',
        captureEnd: '2026-11-18T10:01:00.000Z',
        coarseCell: '8828308281fffff',
        redactions: good.redactions,
      },
    });
  });

  it.each([
    ['a fine H3 cell (resolution 9 is a home’s block)', { coarseCell: '8928308280fffff' }, 'coarseCell'],
    ['another request’s id', { requestId: 'rq_BBBBBBBBBBBBBBBBBBBBBB' }, 'requestId'],
    ['an unknown field', { cameraId: 4 }, 'cameraId'],
    ['an end before the start', { captureEnd: '2026-11-18T09:00:00Z' }, 'captureEnd'],
    ['no redactions list', { redactions: undefined }, 'redactions'],
  ])('refuses %s, naming the field', (_label, change, field) => {
    const result = parseManifest(JSON.stringify({ ...good, ...change }), REQUEST);
    expect(result).toEqual({
      errors: [expect.objectContaining({ field: `/headers/upload-metadata/manifest/${field}` })],
    });
  });

  it('refuses a missing, oversized or non-JSON manifest', () => {
    expect(parseManifest(undefined, REQUEST)).toMatchObject({ errors: [{ message: /required/ }] });
    expect(parseManifest('{', REQUEST)).toMatchObject({ errors: [{ message: 'is not JSON' }] });
    expect(
      parseManifest(JSON.stringify({ ...good, redactions: ['x'.repeat(20_000)] }), REQUEST),
    ).toMatchObject({
      errors: [{ message: /at most/ }],
    });
  });
});
