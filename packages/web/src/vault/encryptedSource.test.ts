import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decrypt, generateIdentity } from '@porchlight/age';
import { describe, expect, it } from 'vitest';
import { encryptedSource, PATCH_SIZE } from './encryptedSource';
import { CHUNK, SEALED_CHUNK } from './layout';

const run = promisify(execFile);

/** Reads the whole source the way tus-js-client does: consecutive slices of `step` bytes. */
async function readAll(
  source: Awaited<ReturnType<typeof encryptedSource>>,
  step: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < source.size; at += step) {
    const { value, done } = await source.slice(at, at + step);
    parts.push(new Uint8Array(await value.arrayBuffer()));
    expect(done).toBe(at + step >= source.size);
  }
  return Buffer.concat(parts);
}

describe('encryptedSource (browser upload body)', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one chunk', CHUNK],
    ['a chunk and a byte', CHUNK + 1],
    ['several chunks', 5 * CHUNK + 123],
  ])(
    '%s: any slicing gives one valid age file of the announced size',
    async (_, n) => {
      const plaintext = randomBytes(n);
      const { identity, recipient } = await generateIdentity();
      const source = await encryptedSource(new Blob([plaintext]), recipient);
      for (const step of [PATCH_SIZE, SEALED_CHUNK, 1000, 70_001]) {
        const file = await readAll(source, step);
        expect(file.length).toBe(source.size);
        expect(Buffer.from(await decrypt(file, [identity]))).toEqual(plaintext);
      }
    },
    30_000,
  );

  it('re-reads a range after a dropped PATCH byte for byte, so the upload resumes anywhere', async () => {
    const plaintext = randomBytes(3 * CHUNK + 5);
    const { recipient } = await generateIdentity();
    const source = await encryptedSource(new Blob([plaintext]), recipient);
    const whole = await readAll(source, source.size);
    const resumeAt = 100_003;
    const { value } = await source.slice(resumeAt, source.size);
    expect(Buffer.from(await value.arrayBuffer())).toEqual(Buffer.from(whole.subarray(resumeAt)));
  });

  it('never contains the plaintext', async () => {
    const plaintext = Buffer.alloc(2 * CHUNK, 'porchlight plaintext ');
    const { recipient } = await generateIdentity();
    const file = Buffer.from(
      await readAll(await encryptedSource(new Blob([plaintext]), recipient), PATCH_SIZE),
    );
    expect(file.indexOf('porchlight plaintext')).toBe(-1);
  });

  it('decrypts with the age CLI', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'web-vault-source-'));
    try {
      const plaintext = randomBytes(2 * CHUNK + 77);
      const { identity, recipient } = await generateIdentity();
      const source = await encryptedSource(new Blob([plaintext]), recipient);
      await writeFile(path.join(dir, 'key.txt'), `${identity}\n`, { mode: 0o600 });
      await writeFile(path.join(dir, 'clip.age'), await readAll(source, 100_000));
      await run('age', [
        '-d',
        '-i',
        path.join(dir, 'key.txt'),
        '-o',
        path.join(dir, 'clip'),
        path.join(dir, 'clip.age'),
      ]);
      expect(await readFile(path.join(dir, 'clip'))).toEqual(plaintext);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
