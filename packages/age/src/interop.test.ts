import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Decrypter, Encrypter, armor as typageArmor } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import {
  AgeError,
  createEncryptor,
  decrypt,
  decryptStream,
  encrypt,
  encryptStream,
  generateIdentity,
  identityToRecipient,
  openPayload,
  unwrapIdentity,
  wrapIdentity,
} from './index.js';
import { decryptFile, encryptFile } from './node.js';
import {
  ageDecrypt,
  ageEncrypt,
  ageWithPassphrase,
  join8,
  pipe,
  plaintextOf,
  runAge,
  scratchDir,
} from './test-support/fixtures.js';

const dir = await scratchDir();
const { identity, recipient } = await generateIdentity();
const SIZES = [0, 1, 65536, 65537, 3 * 65536 + 7];
const CHUNK = 65536;

describe('Debian age CLI decrypts what we encrypt', { timeout: 60_000 }, () => {
  it.each(SIZES)('one-shot, streamed, file and chunk-by-chunk output of %i bytes', async (size) => {
    const plaintext = plaintextOf(size, 7);
    const files: Record<string, Uint8Array> = {
      'one-shot': await encrypt(plaintext, [recipient]),
      stream: await pipe(plaintext, encryptStream([recipient]), [5000, 70_000]),
    };
    await writeFile(join(dir, `in-${size}`), plaintext);
    await encryptFile(join(dir, `in-${size}`), join(dir, `in-${size}.age`), [recipient]);
    files.file = new Uint8Array(await readFile(join(dir, `in-${size}.age`)));
    const writer = await createEncryptor([recipient]);
    const count = writer.chunkCount(size);
    const parts = [writer.head];
    for (let i = 0; i < count; i++) {
      parts.push(
        await writer.encryptChunk(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK), i === count - 1),
      );
    }
    files['random access'] = join8(parts);
    for (const [name, ciphertext] of Object.entries(files)) {
      const result = await ageDecrypt(dir, ciphertext, identity);
      expect(result.stderr, name).toBe('');
      expect(result.code, name).toBe(0);
      expect(new Uint8Array(result.stdout), name).toEqual(plaintext);
    }
  });

  it('a file for two recipients opens with either identity', async () => {
    const second = await generateIdentity();
    const ciphertext = await encrypt(plaintextOf(1000), [recipient, second.recipient]);
    for (const key of [identity, second.identity]) {
      expect(new Uint8Array((await ageDecrypt(dir, ciphertext, key)).stdout)).toEqual(plaintextOf(1000));
    }
  });

  it('age rejects our file when a payload byte is flipped (our tag is the one age checks)', async () => {
    const ciphertext = await encrypt(plaintextOf(1000), [recipient]);
    ciphertext[ciphertext.length - 20]! ^= 1;
    expect((await ageDecrypt(dir, ciphertext, identity)).code).not.toBe(0);
  });
});

describe('we decrypt what the Debian age CLI encrypts', { timeout: 60_000 }, () => {
  it.each(SIZES)('%i bytes through one-shot, stream, file and random access', async (size) => {
    const plaintext = plaintextOf(size, 9);
    const ciphertext = await ageEncrypt(plaintext, [recipient]);
    expect(await decrypt(ciphertext, [identity])).toEqual(plaintext);
    expect(await pipe(ciphertext, decryptStream([identity]), [3, 65_551])).toEqual(plaintext);
    await writeFile(join(dir, `cli-${size}.age`), ciphertext);
    await decryptFile(join(dir, `cli-${size}.age`), join(dir, `cli-${size}`), [identity]);
    expect(new Uint8Array(await readFile(join(dir, `cli-${size}`)))).toEqual(plaintext);
    const reader = await openPayload(ciphertext.subarray(0, 400), [identity]);
    expect(reader.plaintextSize(ciphertext.length)).toBe(size);
    const last = reader.chunkCount(ciphertext.length) - 1;
    const range = reader.ciphertextRange(last * CHUNK, size, ciphertext.length);
    expect(range.firstChunk).toBe(last);
    const chunk = await reader.decryptChunk(last, ciphertext.subarray(range.start, range.end), true);
    expect(chunk).toEqual(plaintext.subarray(last * CHUNK));
  });

  it('finds its stanza among several recipients, in any position', async () => {
    const others = await Promise.all([generateIdentity(), generateIdentity()]);
    const ciphertext = await ageEncrypt(plaintextOf(77), [
      others[0].recipient,
      recipient,
      others[1].recipient,
    ]);
    expect(await decrypt(ciphertext, [identity])).toEqual(plaintextOf(77));
  });

  it('reports "no identity matched" for a file made for someone else', async () => {
    const other = await generateIdentity();
    const ciphertext = await ageEncrypt(plaintextOf(77), [other.recipient]);
    await expect(decrypt(ciphertext, [identity])).rejects.toThrow(new AgeError('no identity matched'));
  });
});

describe('keys agree with age-keygen', () => {
  it('derives the same recipient as `age-keygen -y` for a key age-keygen made', async () => {
    const keygen = await runAge([], undefined, 'age-keygen');
    const secret = keygen.stdout
      .toString()
      .split('\n')
      .find((line) => line.startsWith('AGE-SECRET-KEY-1'))!;
    const publicKey = (await runAge(['-y'], Buffer.from(secret), 'age-keygen')).stdout.toString().trim();
    expect(await identityToRecipient(secret)).toBe(publicKey);
  });

  it('generates identities that age-keygen accepts and maps to our recipient', async () => {
    const result = await runAge(['-y'], Buffer.from(identity), 'age-keygen');
    expect(result.stdout.toString().trim()).toBe(recipient);
  });
});

describe(
  'passphrase-wrapped identities interoperate with Debian age (driven through a pty)',
  { timeout: 60_000 },
  () => {
    it('`age -d` asks for the passphrase and recovers the identity we wrapped', async () => {
      const wrapped = join(dir, 'wrapped.age');
      await writeFile(wrapped, await wrapIdentity(identity, 'correct horse', { logN: 12 }));
      const result = await ageWithPassphrase(
        ['-d', '-o', join(dir, 'unwrapped.txt'), wrapped],
        'correct horse',
      );
      expect(result.code, result.stderr).toBe(0);
      expect(await readFile(join(dir, 'unwrapped.txt'), 'utf8')).toBe(identity);
    });

    it('`age -d` refuses our file with the wrong passphrase', async () => {
      const wrapped = join(dir, 'wrapped-wrong.age');
      await writeFile(wrapped, await wrapIdentity(identity, 'correct horse', { logN: 12 }));
      const result = await ageWithPassphrase(['-d', '-o', join(dir, 'nope.txt'), wrapped], 'battery staple');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/incorrect passphrase/i);
    });

    it('we unwrap what `age -p -a` wrapped (work factor 2^18, as age chooses)', async () => {
      await writeFile(join(dir, 'identity.txt'), `${identity}\n`);
      const out = join(dir, 'cli-wrapped.age');
      const result = await ageWithPassphrase(['-p', '-a', '-o', out, join(dir, 'identity.txt')], 'tr0ub4dor');
      expect(result.code, result.stderr).toBe(0);
      const armored = await readFile(out, 'utf8');
      expect(await unwrapIdentity(armored, 'tr0ub4dor')).toBe(identity);
      await expect(unwrapIdentity(armored, 'tr0ub4dor!')).rejects.toThrow(new AgeError('wrong passphrase'));
    });
  },
);

describe('passphrase-wrapped identities interoperate with the age-encryption (typage) implementation', () => {
  it('typage unwraps our armored scrypt file', async () => {
    const wrapped = await wrapIdentity(identity, 'correct horse', { logN: 12 });
    const decrypter = new Decrypter();
    decrypter.addPassphrase('correct horse');
    expect(await decrypter.decrypt(typageArmor.decode(wrapped), 'text')).toBe(identity);
  });

  it('we unwrap typage’s armored scrypt file, and reject a wrong passphrase', async () => {
    const encrypter = new Encrypter();
    encrypter.setPassphrase('battery staple');
    encrypter.setScryptWorkFactor(12);
    const wrapped = typageArmor.encode(await encrypter.encrypt(identity));
    expect(await unwrapIdentity(wrapped, 'battery staple')).toBe(identity);
    await expect(unwrapIdentity(wrapped, 'battery stable')).rejects.toThrow(new AgeError('wrong passphrase'));
  });

  it('typage decrypts our X25519 files and we decrypt its files', async () => {
    const plaintext = plaintextOf(70_000, 3);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    expect(new Uint8Array(await decrypter.decrypt(await encrypt(plaintext, [recipient])))).toEqual(plaintext);
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    expect(await decrypt(await encrypter.encrypt(plaintext), [identity])).toEqual(plaintext);
  });
});
