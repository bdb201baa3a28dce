import { randomBytes } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { createKeptEncryptor, decrypt, generateIdentity, resumeKeptEncryptor } from '@porchlight/age';
import { describe, expect, it } from 'vitest';
import { CHUNK } from '../../vault/layout';
import { reencryptWith, fileReader } from './reencrypt';
import { percentSent, shareRecord, type PendingShare } from './pendingShares';

const owner = await generateIdentity();
const agency = await generateIdentity();

/** Every byte of `record` as IndexedDB would store it: byte arrays as is, everything else as its JSON text. */
function storedBytes(record: PendingShare): Buffer {
  const parts: Buffer[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    else parts.push(Buffer.from(JSON.stringify(v)));
  };
  walk(record);
  return Buffer.concat(parts);
}

async function startedShare(plain: Uint8Array) {
  const { writer, keptKey } = await createKeptEncryptor([agency.recipient], [owner.recipient]);
  const disclosure = reencryptWith(fileReader(new Blob([plain.slice()])), writer);
  const digest = await disclosure.digest();
  const share = {
    head: writer.head,
    keptKey,
    manifest: {
      requestId: 'rq_test',
      plaintextSha256: digest.plaintextSha256,
      ciphertextSha256: digest.ciphertextSha256,
      captureStart: '2026-12-01T10:00:00.000Z',
      captureEnd: '2026-12-01T10:01:00.000Z',
      redactions: [],
    },
    plaintextBytes: digest.plaintextBytes,
    ciphertextBytes: digest.ciphertextBytes,
  };
  return { writer, keptKey, disclosure, share };
}

describe('the stored record of an unfinished share', { timeout: 60_000 }, () => {
  const plain: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(3 * CHUNK + 999));

  it('holds no key in the clear: not the file key, the payload key, nor the owner’s identity', async () => {
    const { writer, keptKey, share } = await startedShare(plain);
    const record = shareRecord({
      userId: 'us_1',
      requestId: 'rq_test',
      clipId: 'cl_opaque',
      redacted: false,
      share,
      now: new Date(),
    });
    // The kept key is an age file only the owner opens; inside is the disclosure's 16-byte file key.
    const fileKey = await decrypt(keptKey, [owner.identity]);
    expect(fileKey.length).toBe(16);
    await expect(decrypt(keptKey, [agency.identity])).rejects.toThrow(/no identity matched/);
    const payloadKey = hkdf(
      sha256,
      fileKey,
      writer.head.subarray(-16),
      new TextEncoder().encode('payload'),
      32,
    );
    const stored = storedBytes(record);
    for (const secret of [fileKey, payloadKey]) {
      expect(stored.includes(Buffer.from(secret))).toBe(false);
      expect(stored.includes(Buffer.from(Buffer.from(secret).toString('hex')))).toBe(false);
      expect(stored.includes(Buffer.from(Buffer.from(secret).toString('base64')))).toBe(false);
    }
    expect(stored.includes(Buffer.from(owner.identity))).toBe(false);
    expect(stored.includes(Buffer.from(owner.identity.toLowerCase()))).toBe(false);
    expect(record).toMatchObject({ key: 'rq_test/cl_opaque', source: 'vault', sent: 0, uploadUrl: null });
  });

  it('is enough, with the owner’s identity, to continue the same bytes from any offset', async () => {
    const { disclosure, share } = await startedShare(plain);
    const record = shareRecord({
      userId: 'us_1',
      requestId: 'rq_test',
      clipId: 'cl_opaque',
      redacted: false,
      share,
      now: new Date(),
    });
    const whole = await disclosure.slice(0, disclosure.size);
    const writer = await resumeKeptEncryptor(record.head!, record.keptKey!, [owner.identity]);
    const again = reencryptWith(fileReader(new Blob([plain.slice()])), writer);
    // The server had an offset inside the second chunk when the page went away.
    const offset = writer.head.length + CHUNK + 5000;
    const rest = await again.slice(offset, again.size);
    expect(Buffer.concat([whole.subarray(0, offset), rest]).equals(Buffer.from(whole))).toBe(true);
    expect(new Uint8Array(await decrypt(whole, [agency.identity]))).toEqual(plain);
    await expect(resumeKeptEncryptor(record.head!, record.keptKey!, [agency.identity])).rejects.toThrow();
  });

  it('keeps nothing to resume for a redacted copy, which is never stored', async () => {
    const { share } = await startedShare(plain);
    const record = shareRecord({
      userId: 'us_1',
      requestId: 'rq_test',
      clipId: 'cl_opaque',
      redacted: true,
      share,
      now: new Date(),
    });
    expect(record).toMatchObject({ source: 'file', head: null, keptKey: null });
  });

  it('never says 100 % before the server confirms', () => {
    expect(percentSent({ sent: 0, ciphertextBytes: 0 })).toBe(0);
    expect(percentSent({ sent: 50, ciphertextBytes: 200 })).toBe(25);
    expect(percentSent({ sent: 200, ciphertextBytes: 200 })).toBe(99);
  });
});
