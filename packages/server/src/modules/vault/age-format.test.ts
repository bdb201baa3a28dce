import { armor, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import {
  clipCiphertextProblem,
  dearmor,
  isRecipient,
  parseHeader,
  wrappedIdentityProblem,
} from './age-format.js';

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
    expect(wrappedIdentityProblem(wrapped, 4)).toBeUndefined();
    expect(dearmor(wrapped)).toBeInstanceOf(Uint8Array);
  });

  it('refuses an identity encrypted to a recipient, or unarmored, or truncated', async () => {
    const identity = await generateIdentity();
    const toRecipient = armor.encode(await encryptTo(identity, { recipient: await recipient() }));
    expect(wrappedIdentityProblem(toRecipient, 4)).toBe('must have exactly one stanza, of type scrypt');
    const raw = Buffer.from(await encryptTo(identity, { passphrase: 'p' })).toString('latin1');
    expect(wrappedIdentityProblem(raw, 4)).toBe('is not an ASCII-armored age file');
    const wrapped = armor.encode(await encryptTo(identity, { passphrase: 'p' }));
    const lines = wrapped.trim().split('\n');
    expect(wrappedIdentityProblem([...lines.slice(0, 2), lines.at(-1)].join('\n'), 4)).toMatch(/^is not/);
  });
});

describe('wrappedIdentityProblem and the scrypt work factor', () => {
  const withWorkFactor = async (logN: number) => {
    const e = new Encrypter();
    e.setPassphrase('p');
    e.setScryptWorkFactor(4);
    const armored = armor.encode(await e.encrypt(await generateIdentity()));
    // Rewrite the stanza's work factor: the server only reads it, so the payload need not match it.
    const bytes = Buffer.from(dearmor(armored)!)
      .toString('latin1')
      .replace(/^(-> scrypt \S+) 4$/m, `$1 ${logN}`);
    return armor.encode(Buffer.from(bytes, 'latin1'));
  };

  it.each([
    [1, 18, 'is wrapped with scrypt work factor 2^1; at least 2^18 is required'],
    [17, 18, 'is wrapped with scrypt work factor 2^17; at least 2^18 is required'],
    [18, 18, undefined],
    [22, 18, undefined],
    [23, 18, 'is wrapped with scrypt work factor 2^23; age cannot unwrap above 2^22'],
  ])('work factor 2^%i with a minimum of 2^%i: %s', async (logN, min, problem) => {
    expect(wrappedIdentityProblem(await withWorkFactor(logN), min)).toBe(problem);
  });
});

describe('clipCiphertextProblem', () => {
  const x25519 = { type: 'X25519', args: ['share'] };
  const header = (stanzas = [x25519]) => ({ headerLength: 100, stanzas });
  const CHUNK = 65536 + 16;
  // size = header (100) + nonce (16) + payload
  it.each([
    ['an empty plaintext (one empty chunk)', 16, undefined],
    ['one byte', 17, undefined],
    ['one full chunk', CHUNK, undefined],
    ['a full chunk and one byte', CHUNK + 17, undefined],
    ['two full chunks', 2 * CHUNK, undefined],
    ['no payload at all', 0, 'it has no encrypted payload'],
    ['a payload shorter than one tag', 15, 'it has no encrypted payload'],
    ['a full chunk and a partial tag', CHUNK + 5, 'fit'],
    ['a full chunk and an empty last chunk', CHUNK + 16, 'fit'],
  ])('%s', (_label, payload, problem) => {
    const got = clipCiphertextProblem(header(), 100 + 16 + payload);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });

  it('refuses anything but X25519 recipient stanzas', () => {
    expect(clipCiphertextProblem(header([{ type: 'scrypt', args: ['salt', '18'] }]), 200)).toContain(
      '"scrypt" stanza',
    );
    expect(clipCiphertextProblem(header([x25519, { type: 'ssh-ed25519', args: ['a', 'b'] }]), 200)).toContain(
      '"ssh-ed25519" stanza',
    );
    expect(clipCiphertextProblem(header([]), 200)).toBe('it has no recipient stanza');
  });
});
