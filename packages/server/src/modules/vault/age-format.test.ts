import { armor, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { dearmor, isRecipient, parseHeader, wrappedIdentityProblem } from './age-format.js';

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

async function recipient(): Promise<string> {
  return identityToRecipient(await generateIdentity());
}

async function encryptTo(plaintext: string, to: { recipient?: string; passphrase?: string }) {
  const e = new Encrypter();
  if (to.passphrase) {
    e.setPassphrase(to.passphrase);
    e.setScryptWorkFactor(4);
  }
  if (to.recipient) e.addRecipient(to.recipient);
  return e.encrypt(plaintext);
}

describe('isRecipient', () => {
  it('accepts real X25519 recipients', async () => {
    for (let i = 0; i < 20; i++) expect(isRecipient(await recipient())).toBe(true);
  });

  it('refuses any single changed character (the bech32 checksum catches it)', async () => {
    const r = await recipient();
    for (let i = 4; i < r.length; i++) {
      const c = BECH32[(BECH32.indexOf(r[i]!) + 1) % 32]!;
      expect(isRecipient(r.slice(0, i) + c + r.slice(i + 1)), `position ${i}`).toBe(false);
    }
  });

  it.each([
    ['uppercase', (r: string) => r.toUpperCase()],
    ['another prefix', (r: string) => `agf1${r.slice(4)}`],
    ['a missing character', (r: string) => r.slice(0, -1)],
    ['an extra character', (r: string) => `${r}q`],
    ['an identity', () => 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'],
    ['a plugin recipient', () => 'age1yubikey1qwerty'],
  ])('refuses %s', async (_label, change) => {
    expect(isRecipient(change(await recipient()))).toBe(false);
  });
});

describe('parseHeader', () => {
  it('finds the header end of real files, for recipients and passphrases', async () => {
    const r = await recipient();
    for (const file of [
      await encryptTo('hello', { recipient: r }),
      await encryptTo('hello', { passphrase: 'p' }),
    ]) {
      const parsed = parseHeader(file);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const text = Buffer.from(file.subarray(0, parsed.headerLength)).toString('latin1');
      expect(text.startsWith('age-encryption.org/v1\n')).toBe(true);
      expect(text).toMatch(/\n--- [A-Za-z0-9+/]{43}\n$/);
      // The payload: a 16-byte nonce and one 16-byte-tagged chunk of "hello".
      expect(file.length - parsed.headerLength).toBe(16 + 5 + 16);
    }
  });

  it('asks for more bytes for every prefix of a header, and never succeeds early', async () => {
    const file = await encryptTo('x', { recipient: await recipient() });
    const full = parseHeader(file);
    if (!full.ok) throw new Error(full.reason);
    for (let n = 0; n < full.headerLength; n++) {
      const p = parseHeader(file.subarray(0, n));
      expect(p, `prefix ${n}`).toMatchObject({ ok: false, incomplete: true });
    }
  });

  it.each([
    ['a video', Buffer.from('\x00\x00\x00\x18ftypmp42isom')],
    ['armored age', Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\n')],
    ['another version', Buffer.from('age-encryption.org/v2\n-> X25519 a\n\n--- ' + 'A'.repeat(43) + '\n')],
    ['no stanza', Buffer.from('age-encryption.org/v1\n--- ' + 'A'.repeat(43) + '\n')],
    ['a short mac', Buffer.from('age-encryption.org/v1\n-> X25519 a\n\n--- AAAA\n')],
    ['a body line over 64 columns', Buffer.from(`age-encryption.org/v1\n-> X25519 a\n${'A'.repeat(65)}\n`)],
  ])('refuses %s for good', (_label, bytes) => {
    expect(parseHeader(bytes)).toMatchObject({ ok: false });
    expect(parseHeader(bytes)).not.toMatchObject({ incomplete: true });
  });
});

describe('wrappedIdentityProblem', () => {
  it('accepts an identity wrapped under a passphrase', async () => {
    const wrapped = armor.encode(await encryptTo(await generateIdentity(), { passphrase: 'correct horse' }));
    expect(wrappedIdentityProblem(wrapped)).toBeUndefined();
    expect(dearmor(wrapped)).toBeInstanceOf(Uint8Array);
  });

  it('refuses an identity encrypted to a recipient, or unarmored, or truncated', async () => {
    const identity = await generateIdentity();
    const toRecipient = armor.encode(await encryptTo(identity, { recipient: await recipient() }));
    expect(wrappedIdentityProblem(toRecipient)).toBe('must have exactly one stanza, of type scrypt');
    const raw = Buffer.from(await encryptTo(identity, { passphrase: 'p' })).toString('latin1');
    expect(wrappedIdentityProblem(raw)).toBe('is not an ASCII-armored age file');
    const wrapped = armor.encode(await encryptTo(identity, { passphrase: 'p' }));
    const lines = wrapped.trim().split('\n');
    expect(wrappedIdentityProblem([...lines.slice(0, 2), lines.at(-1)].join('\n'))).toMatch(/^is not/);
  });
});
