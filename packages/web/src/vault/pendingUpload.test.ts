import { randomBytes } from 'node:crypto';
import { decrypt, generateIdentity, resumeEncryptor } from '@porchlight/age';
import { describe, expect, it } from 'vitest';
import { encryptedSource, PATCH_SIZE } from './encryptedSource';
import { CHUNK } from './layout';
import {
  decodePending,
  encodeHead,
  encodePending,
  headOf,
  percentOf,
  sameFile,
  type PendingUpload,
} from './pendingUpload';

const file = new File([new Uint8Array(1000)], 'porch.mp4', { lastModified: 1_700_000_000_000 });

function record(over: Partial<PendingUpload> = {}): PendingUpload {
  return {
    uploadUrl: '/api/uploads/abc',
    head: encodeHead(new Uint8Array([0, 1, 2, 255])),
    file: { name: 'porch.mp4', size: 1000, lastModified: 1_700_000_000_000 },
    cameraId: 'ca_Xc2vYh0Qk8Rm1TsPz3LwQA',
    startedAt: '2026-11-28T10:00:00.000Z',
    endedAt: '2026-11-28T10:00:05.000Z',
    clientRef: 'web-1',
    sent: 430,
    ...over,
  };
}

describe('the pending upload record (resume after a reload)', () => {
  it('round-trips through storage text, head bytes included', () => {
    const back = decodePending(encodePending(record()));
    expect(back).toEqual(record());
    expect([...headOf(back!)]).toEqual([0, 1, 2, 255]);
    expect(percentOf(back!)).toBe(43);
  });

  it('is used only for the same file: another name, size or modification time is refused', () => {
    expect(sameFile(record(), file)).toBe(true);
    const other = (name: string, size: number, lastModified: number) =>
      new File([new Uint8Array(size)], name, { lastModified });
    expect(sameFile(record(), other('porch2.mp4', 1000, 1_700_000_000_000))).toBe(false);
    expect(sameFile(record(), other('porch.mp4', 999, 1_700_000_000_000))).toBe(false);
    expect(sameFile(record(), other('porch.mp4', 1000, 1_700_000_000_001))).toBe(false);
  });

  it('ignores a missing, corrupt or foreign record instead of failing', () => {
    expect(decodePending(null)).toBeNull();
    expect(decodePending('{not json')).toBeNull();
    expect(decodePending(JSON.stringify({ ...record(), head: 7 }))).toBeNull();
    expect(decodePending(JSON.stringify({ ...record(), uploadUrl: 'javascript:alert(1)' }))).toBeNull();
    expect(
      decodePending(JSON.stringify({ ...record(), file: { name: 'x', size: -1, lastModified: 0 } })),
    ).toBeNull();
  });

  it('holds no secret: the head alone does not decrypt, and the text has no identity', async () => {
    const { identity, recipient } = await generateIdentity();
    const source = await encryptedSource(new Blob([randomBytes(10)]), recipient);
    const text = encodePending(record({ head: encodeHead(source.head!) }));
    expect(text).not.toContain('AGE-SECRET-KEY');
    expect(text).not.toContain(identity.slice(15, 40));
  });

  it('a source resumed from the stored head after a "reload" continues the same bytes', async () => {
    const plaintext = randomBytes(40 * CHUNK + 321);
    const { identity, recipient } = await generateIdentity();
    const first = await encryptedSource(new Blob([plaintext]), recipient);
    // The first PATCH reached the server; then the page went away with everything but the record.
    const sent = (await first.slice(0, PATCH_SIZE)).value;
    const stored = decodePending(encodePending(record({ head: encodeHead(first.head!) })))!;
    const writer = await resumeEncryptor(headOf(stored), [identity]);
    const again = await encryptedSource(new Blob([plaintext]), writer);
    expect(again.size).toBe(first.size);
    const rest = (await again.slice(PATCH_SIZE, again.size)).value;
    const whole = Buffer.concat([
      Buffer.from(await sent.arrayBuffer()),
      Buffer.from(await rest.arrayBuffer()),
    ]);
    const uninterrupted = Buffer.from(await (await first.slice(0, first.size)).value.arrayBuffer());
    expect(whole.equals(uninterrupted)).toBe(true);
    expect(Buffer.from(await decrypt(whole, [identity])).equals(plaintext)).toBe(true);
    // Another vault's identity cannot pick it up.
    const stranger = await generateIdentity();
    await expect(resumeEncryptor(headOf(stored), [stranger.identity])).rejects.toThrow(/no identity matched/);
  });
});
