import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AgeError,
  decrypt,
  decryptStream,
  encrypt,
  generateIdentity,
  openPayload,
  parseHeader,
  unwrapIdentity,
  wrapIdentity,
} from './index.js';
import { decryptFile, encryptFile } from './node.js';
import { pipeUntilError, plaintextOf, scratchDir } from './test-support/fixtures.js';

const dir = await scratchDir();
const { identity, recipient } = await generateIdentity();
const stranger = await generateIdentity();
const SEALED = 65536 + 16;
const PLAINTEXT = plaintextOf(3 * 65536 + 1000, 11);
const FILE = await encrypt(PLAINTEXT, [recipient]);
const HEAD = parseHeader(FILE)!.headerLength + 16;

/** Every way a reader can consume a file; each must reject `bytes` with an AgeError and release nothing false. */
async function expectRejectedEverywhere(bytes: Uint8Array, message?: string): Promise<void> {
  const matcher = message ? new AgeError(message) : AgeError;
  await expect(decrypt(bytes, [identity])).rejects.toThrow(matcher);

  const streamed = await pipeUntilError(bytes, decryptStream([identity]));
  expect(streamed.error).toBeInstanceOf(AgeError);
  if (message) expect((streamed.error as AgeError).message).toBe(message);
  expect(Buffer.from(PLAINTEXT.subarray(0, streamed.released.length)).equals(streamed.released)).toBe(true);

  const path = join(dir, `tampered-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${path}.age`, bytes);
  await expect(decryptFile(`${path}.age`, path, [identity])).rejects.toThrow(matcher);
  // No partial plaintext is left on disk for anything to pick up.
  await expect(access(path)).rejects.toThrow(/ENOENT/);
}

/** Random-access reading of every chunk; must fail somewhere with an AgeError. */
async function expectRandomAccessRejects(bytes: Uint8Array): Promise<void> {
  const attempt = async (): Promise<void> => {
    const reader = await openPayload(bytes.subarray(0, HEAD), [identity]);
    const count = reader.chunkCount(bytes.length);
    for (let i = count - 1; i >= 0; i--) {
      const start = reader.headLength + i * SEALED;
      await reader.decryptChunk(
        i,
        bytes.subarray(start, Math.min(start + SEALED, bytes.length)),
        i === count - 1,
      );
    }
  };
  await expect(attempt()).rejects.toThrow(AgeError);
}

describe('a flipped bit anywhere is caught', { timeout: 120_000 }, () => {
  const positions = [
    ['version line', 3],
    ['stanza type', 25],
    ['ephemeral share', 40],
    ['wrapped file key', HEAD - 16 - 50],
    ['header MAC', HEAD - 16 - 5],
    ['payload nonce', HEAD - 8],
    ['first chunk ciphertext', HEAD + 10],
    ['first chunk tag', HEAD + SEALED - 3],
    ['middle chunk', HEAD + SEALED + 30_000],
    ['last chunk ciphertext', FILE.length - 100],
    ['last chunk tag', FILE.length - 1],
  ] as const;

  it.each(positions)('in the %s', async (_, position) => {
    for (const bit of [0, 7]) {
      const bytes = FILE.slice();
      bytes[position]! ^= 1 << bit;
      await expectRejectedEverywhere(bytes);
      if (position >= HEAD) await expectRandomAccessRejects(bytes);
    }
  });
});

describe('truncation, reordering and extension are caught', { timeout: 120_000 }, () => {
  it.each([1, 2, 3])('cut at the end of chunk %i (a whole final chunk missing)', async (chunks) => {
    await expectRejectedEverywhere(FILE.subarray(0, HEAD + chunks * SEALED), 'missing final chunk');
  });

  it.each([HEAD + 1, HEAD + 15, HEAD + SEALED + 17, FILE.length - 1, FILE.length - 16])(
    'cut mid-chunk at byte %i',
    async (length) => {
      await expectRejectedEverywhere(FILE.subarray(0, length));
    },
  );

  it('cut inside the header or the nonce', async () => {
    await expectRejectedEverywhere(FILE.subarray(0, 40), 'truncated header');
    await expectRejectedEverywhere(FILE.subarray(0, HEAD - 3), 'truncated payload nonce');
  });

  it('two chunks swapped, a chunk duplicated, a chunk dropped', async () => {
    const chunk = (i: number): Uint8Array => FILE.subarray(HEAD + i * SEALED, HEAD + (i + 1) * SEALED);
    const head = FILE.subarray(0, HEAD);
    const tail = FILE.subarray(HEAD + 3 * SEALED);
    for (const order of [
      [1, 0, 2],
      [0, 0, 2],
      [0, 2],
    ]) {
      await expectRejectedEverywhere(
        Buffer.concat([head, ...order.map(chunk), tail]),
        'payload authentication failed',
      );
    }
  });

  it('data appended after the final chunk', async () => {
    await expectRejectedEverywhere(Buffer.concat([FILE, new Uint8Array([0])]));
    await expectRejectedEverywhere(Buffer.concat([FILE, FILE.subarray(HEAD, HEAD + SEALED)]));
  });

  it('random access refuses a chunk at the wrong index or with the wrong final flag', async () => {
    const reader = await openPayload(FILE.subarray(0, HEAD), [identity]);
    const first = FILE.subarray(HEAD, HEAD + SEALED);
    expect(await reader.decryptChunk(0, first, false)).toEqual(PLAINTEXT.subarray(0, 65536));
    await expect(reader.decryptChunk(1, first, false)).rejects.toThrow(
      new AgeError('payload authentication failed'),
    );
    await expect(reader.decryptChunk(0, first, true)).rejects.toThrow(new AgeError('missing final chunk'));
    const last = FILE.subarray(HEAD + 3 * SEALED);
    await expect(reader.decryptChunk(3, last, false)).rejects.toThrow(new AgeError('truncated chunk'));
    expect(() => reader.ciphertextRange(0, PLAINTEXT.length + 1, FILE.length)).toThrow(
      new AgeError('range out of bounds'),
    );
    expect(() => reader.plaintextSize(HEAD + SEALED + 5)).toThrow(new AgeError('truncated chunk'));
  });
});

describe('the wrong key is refused', () => {
  it('with a stranger’s identity, through every reader', async () => {
    await expect(decrypt(FILE, [stranger.identity])).rejects.toThrow(new AgeError('no identity matched'));
    const streamed = await pipeUntilError(FILE, decryptStream([stranger.identity]));
    expect(streamed.error).toEqual(new AgeError('no identity matched'));
    expect(streamed.released.length).toBe(0);
    await expect(openPayload(FILE.subarray(0, HEAD), [stranger.identity])).rejects.toThrow(
      new AgeError('no identity matched'),
    );
    const path = join(dir, 'stranger');
    await writeFile(`${path}.age`, FILE);
    await expect(decryptFile(`${path}.age`, path, [stranger.identity])).rejects.toThrow(AgeError);
    await expect(access(path)).rejects.toThrow(/ENOENT/);
  });

  it('but any one matching identity among several is enough', async () => {
    expect(await decrypt(FILE, [stranger.identity, identity])).toEqual(PLAINTEXT);
  });

  it('a malformed identity or recipient is named, not treated as a mismatch', async () => {
    await expect(decrypt(FILE, ['AGE-SECRET-KEY-1NOPE'])).rejects.toThrow(new AgeError('invalid identity'));
    await expect(decrypt(FILE, [])).rejects.toThrow(new AgeError('no identities'));
    await expect(encrypt(PLAINTEXT, ['age1nope'])).rejects.toThrow(new AgeError('invalid recipient'));
    await expect(encrypt(PLAINTEXT, [])).rejects.toThrow(new AgeError('no recipients'));
    expect(() => decryptStream(['nope'])).toThrow(new AgeError('invalid identity'));
  });

  it('a wrapped identity refuses a wrong passphrase, and a tampered armor', async () => {
    const wrapped = await wrapIdentity(identity, 'open sesame', { logN: 10 });
    expect(await unwrapIdentity(wrapped, 'open sesame')).toBe(identity);
    await expect(unwrapIdentity(wrapped, 'open sesame ')).rejects.toThrow(new AgeError('wrong passphrase'));
    await expect(unwrapIdentity(wrapped, '')).rejects.toThrow(new AgeError('wrong passphrase'));
    const lines = wrapped.split('\n');
    const flipped = lines[2]!.startsWith('A') ? 'B' + lines[2]!.slice(1) : 'A' + lines[2]!.slice(1);
    await expect(
      unwrapIdentity([...lines.slice(0, 2), flipped, ...lines.slice(3)].join('\n'), 'open sesame'),
    ).rejects.toThrow(AgeError);
    await expect(unwrapIdentity('not armor', 'open sesame')).rejects.toThrow(new AgeError('invalid armor'));
  });

  it('an X25519 file is not accepted where a passphrase file is expected', async () => {
    const { armor } = await import('./armor.js');
    await expect(unwrapIdentity(armor(FILE), 'x')).rejects.toThrow(
      new AgeError('file is not passphrase-encrypted'),
    );
  });
});

describe('the file helpers fail cleanly', () => {
  it('a missing input or a bad recipient leaves no output file behind', async () => {
    const out = join(dir, 'never-written.age');
    await expect(encryptFile(join(dir, 'no-such-clip.mp4'), out, [recipient])).rejects.toThrow(/ENOENT/);
    await writeFile(join(dir, 'clip.mp4'), PLAINTEXT);
    await expect(encryptFile(join(dir, 'clip.mp4'), out, ['age1nope'])).rejects.toThrow(
      new AgeError('invalid recipient'),
    );
    await expect(access(out)).rejects.toThrow(/ENOENT/);
  });

  it('a file that is not age at all is named as such', async () => {
    await writeFile(join(dir, 'plain.mp4'), PLAINTEXT);
    await expect(decryptFile(join(dir, 'plain.mp4'), join(dir, 'plain.out'), [identity])).rejects.toThrow(
      new AgeError('not an age v1 file'),
    );
    await expect(access(join(dir, 'plain.out'))).rejects.toThrow(/ENOENT/);
  });
});
