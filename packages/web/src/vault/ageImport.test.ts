import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decrypt, dearmor, encrypt, generateIdentity, wrapIdentity } from '@porchlight/age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgeImportError, prepareAgeImport, sniffAge } from './ageImport';
import { CHUNK } from './layout';
import { blobSource } from './upload';

const run = promisify(execFile);

let dir = '';
let owner: { identity: string; recipient: string };

/** `plaintext` encrypted by the Debian `age` CLI to `recipients` (`-a` for armor). */
async function ageCli(
  plaintext: Uint8Array,
  recipients: string[],
  armor = false,
): Promise<Buffer<ArrayBuffer>> {
  const name = `f${randomBytes(6).toString('hex')}`;
  await writeFile(path.join(dir, name), plaintext);
  await run('age', [
    ...(armor ? ['-a'] : []),
    ...recipients.flatMap((r) => ['-r', r]),
    '-o',
    path.join(dir, `${name}.age`),
    path.join(dir, name),
  ]);
  // A copy on its own ArrayBuffer, which is what `Blob` parts are typed to take.
  return Buffer.from(await readFile(path.join(dir, `${name}.age`)));
}

async function bytesOf(blob: Blob): Promise<Buffer> {
  return Buffer.from(await blob.arrayBuffer());
}

/** The refusal `file` gets, or a failure when it is accepted. */
async function refusal(file: Uint8Array | string): Promise<AgeImportError> {
  const err = await prepareAgeImport(new Blob([file as BlobPart]), owner.identity).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgeImportError);
  return err as AgeImportError;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'web-vault-import-'));
  owner = await generateIdentity();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sniffAge (which upload path a picked file takes)', () => {
  it('recognises binary and armored age files from their first bytes, and nothing else', async () => {
    const plaintext = randomBytes(1000);
    expect(await sniffAge(new Blob([await ageCli(plaintext, [owner.recipient])]))).toBe('binary');
    const armored = await ageCli(plaintext, [owner.recipient], true);
    expect(await sniffAge(new Blob([armored]))).toBe('armored');
    expect(await sniffAge(new Blob(['\r\n  ', armored]))).toBe('armored');
    // A video, an empty file, another age version and a lookalike are encrypted as usual.
    const mp4 = Buffer.concat([Buffer.from('\0\0\0\x20ftypisom'), randomBytes(100)]);
    expect(await sniffAge(new Blob([mp4]))).toBeNull();
    expect(await sniffAge(new Blob([]))).toBeNull();
    expect(await sniffAge(new Blob(['age-encryption.org/v2\n-> X25519 a\n']))).toBeNull();
    expect(await sniffAge(new Blob(['age-encryption.org/v1 is a header line']))).toBeNull();
  });
});

describe('prepareAgeImport (an age file for this vault goes up unchanged)', () => {
  it.each([
    ['empty', 0],
    ['one chunk', CHUNK],
    ['several chunks', 3 * CHUNK + 777],
  ])(
    '%s: a file from the age CLI to the owner is accepted and sent byte for byte',
    async (_, n) => {
      const plaintext = randomBytes(n);
      const file = await ageCli(plaintext, [owner.recipient]);
      const prepared = await prepareAgeImport(new Blob([file]), owner.identity);
      expect(prepared?.kind).toBe('binary');
      expect(prepared?.plaintextSize).toBe(n);
      expect((await bytesOf(prepared!.body)).equals(file)).toBe(true);
    },
    30_000,
  );

  it('accepts a file for several recipients when the owner is one of them', async () => {
    const other = await generateIdentity();
    const file = await ageCli(randomBytes(2 * CHUNK), [other.recipient, owner.recipient]);
    const prepared = await prepareAgeImport(new Blob([file]), owner.identity);
    expect((await bytesOf(prepared!.body)).equals(file)).toBe(true);
  });

  it('dearmors an armored file in the page: the server gets binary age that decrypts to the video', async () => {
    const plaintext = randomBytes(2 * CHUNK + 5);
    const armored = await ageCli(plaintext, [owner.recipient], true);
    const prepared = await prepareAgeImport(new Blob([armored]), owner.identity);
    expect(prepared?.kind).toBe('armored');
    const body = await bytesOf(prepared!.body);
    expect(body.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect(body.equals(Buffer.from(dearmor(armored.toString())))).toBe(true);
    expect(Buffer.from(await decrypt(body, [owner.identity])).equals(plaintext)).toBe(true);
  });

  it('leaves anything that is not age to be encrypted as a video', async () => {
    expect(await prepareAgeImport(new Blob([randomBytes(5000)]), owner.identity)).toBeNull();
  });

  it('refuses a file encrypted to someone else, saying so', async () => {
    const stranger = await generateIdentity();
    const err = await refusal(await ageCli(randomBytes(100), [stranger.recipient]));
    expect(err.title).toBe('This file is encrypted to someone else');
    expect(err.detail).toContain('Nothing was uploaded');
    const armored = await refusal(await ageCli(randomBytes(100), [stranger.recipient], true));
    expect(armored.title).toBe('This file is encrypted to someone else');
  });

  it('refuses a passphrase-encrypted file', async () => {
    const wrapped = await wrapIdentity(owner.identity, 'a passphrase', { logN: 10 });
    expect((await refusal(wrapped)).title).toBe('This file is encrypted with a passphrase');
    expect((await refusal(dearmor(wrapped))).title).toBe('This file is encrypted with a passphrase');
  });

  it('refuses damaged files before sending anything: truncated, tampered header or last chunk', async () => {
    const file = await ageCli(randomBytes(3 * CHUNK + 10), [owner.recipient]);
    const damaged = (change: (b: Buffer) => Buffer) => change(Buffer.from(file));
    const cases: [string, Buffer][] = [
      ['cut inside the header', file.subarray(0, 60)],
      ['cut at a chunk boundary', file.subarray(0, file.length - 26)],
      ['missing its last bytes', file.subarray(0, file.length - 3)],
      ['with trailing bytes', Buffer.concat([file, Buffer.from('x')])],
      [
        'with a flipped header MAC',
        damaged((b) => {
          const mac = b.indexOf('\n--- ') + 6;
          b[mac] = b[mac] === 0x41 ? 0x42 : 0x41;
          return b;
        }),
      ],
      [
        'with a flipped bit in the last chunk',
        damaged((b) => {
          b[b.length - 20]! ^= 1;
          return b;
        }),
      ],
    ];
    for (const [what, bytes] of cases) {
      const err = await refusal(bytes);
      expect(err.title, what).toBe('This age file is damaged');
    }
    expect((await refusal('-----BEGIN AGE ENCRYPTED FILE-----\nnot base64!\n')).title).toBe(
      'This age file is damaged',
    );
  });

  it('checks with the key only: a file made by this package to the owner is accepted too', async () => {
    const file = await encrypt(randomBytes(CHUNK + 1), [owner.recipient]);
    expect(await prepareAgeImport(new Blob([file as BlobPart]), owner.identity)).not.toBeNull();
  });
});

describe('blobSource (the tus body of an import)', () => {
  it('hands tus-js-client exactly the file, in any slicing', async () => {
    const file = randomBytes(300_001);
    const source = blobSource(new Blob([file]));
    expect(source.size).toBe(file.length);
    const parts: Buffer[] = [];
    for (let at = 0; at < file.length; at += 70_000) {
      const { value, done } = await source.slice(at, at + 70_000);
      expect(done).toBe(at + 70_000 >= file.length);
      parts.push(await bytesOf(value));
    }
    expect(Buffer.concat(parts).equals(file)).toBe(true);
  });
});
