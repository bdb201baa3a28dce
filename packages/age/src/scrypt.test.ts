import { Encrypter, armor as typageArmor } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { armor } from './armor.js';
import { concat, encodeBase64 } from './bytes.js';
import { encodeHeader, type Stanza } from './header.js';
import { AgeError, dearmor, generateIdentity, parseHeader, unwrapIdentity, wrapIdentity } from './index.js';

const { identity } = await generateIdentity();
const salt = encodeBase64(new Uint8Array(16).fill(5));

/** An armored file whose only header is `stanzas` (MAC valid for some key; every case fails before the MAC). */
function armoredWith(stanzas: Stanza[]): string {
  return armor(concat(encodeHeader(stanzas, new Uint8Array(16)), new Uint8Array(16), new Uint8Array(40)));
}
const scrypt = (args: string[], body = new Uint8Array(32)): Stanza => ({ type: 'scrypt', args, body });

describe('passphrase-wrapped identities', () => {
  it('wraps to an armored age file whose only stanza is scrypt, with the requested work factor', async () => {
    const wrapped = await wrapIdentity(identity, 'hunter2', { logN: 11 });
    expect(wrapped).toMatch(
      /^-----BEGIN AGE ENCRYPTED FILE-----\n[A-Za-z0-9+/=\n]+-----END AGE ENCRYPTED FILE-----\n$/,
    );
    expect(parseHeader(dearmor(wrapped))?.stanzaTypes).toEqual(['scrypt']);
    expect(new TextDecoder().decode(dearmor(wrapped))).toMatch(/\n-> scrypt [A-Za-z0-9+/]{22} 11\n/);
    expect(await unwrapIdentity(wrapped, 'hunter2')).toBe(identity);
    // The passphrase and the identity never appear in what the server stores.
    expect(wrapped).not.toContain('hunter2');
    expect(wrapped).not.toContain(identity);
  });

  it('defaults to age’s work factor, 2^18', async () => {
    const wrapped = await wrapIdentity(identity, 'pw');
    expect(new TextDecoder().decode(dearmor(wrapped))).toMatch(/ 18\n/);
  }, 30_000);

  it('refuses to wrap something that is not an identity, or with an unusable work factor', async () => {
    await expect(wrapIdentity('hello', 'pw', { logN: 10 })).rejects.toThrow(new AgeError('invalid identity'));
    await expect(wrapIdentity(identity, 'pw', { logN: 0 })).rejects.toThrow(
      new AgeError('invalid scrypt work factor'),
    );
    await expect(wrapIdentity(identity, 'pw', { logN: 23 })).rejects.toThrow(
      new AgeError('invalid scrypt work factor'),
    );
  });

  it('unwraps an age-keygen style identity file with comment lines', async () => {
    const encrypter = new Encrypter();
    encrypter.setPassphrase('pw');
    encrypter.setScryptWorkFactor(10);
    const file = `# created: 2026-11-28T00:00:00Z\n# public key: age1...\n${identity}\n`;
    expect(await unwrapIdentity(typageArmor.encode(await encrypter.encrypt(file)), 'pw')).toBe(identity);
    const notAKey = typageArmor.encode(await encrypter.encrypt('just some text\n'));
    await expect(unwrapIdentity(notAKey, 'pw')).rejects.toThrow(new AgeError('invalid identity'));
  });
});

describe('scrypt stanza rules (c2sp.org/age)', () => {
  it.each([
    ['work factor 23 (4 GiB+)', [salt, '23'], 'scrypt work factor too high'],
    ['work factor with a leading zero', [salt, '018'], 'invalid scrypt work factor'],
    ['work factor in hex', [salt, '0x12'], 'invalid scrypt work factor'],
    ['work factor with a plus sign', [salt, '+18'], 'invalid scrypt work factor'],
    ['negative work factor', [salt, '-1'], 'invalid scrypt work factor'],
    ['zero work factor', [salt, '0'], 'invalid scrypt work factor'],
    ['huge work factor', [salt, '99999999999999999999'], 'invalid scrypt work factor'],
    ['missing work factor', [salt], 'invalid scrypt stanza'],
    ['extra argument', [salt, '10', 'x'], 'invalid scrypt stanza'],
    ['15-byte salt', [encodeBase64(new Uint8Array(15)), '10'], 'invalid scrypt stanza'],
    ['17-byte salt', [encodeBase64(new Uint8Array(17)), '10'], 'invalid scrypt stanza'],
  ])('rejects %s', async (_, args, message) => {
    await expect(unwrapIdentity(armoredWith([scrypt(args)]), 'pw')).rejects.toThrow(new AgeError(message));
  });

  it('rejects a body that is not 32 bytes before running scrypt', async () => {
    await expect(
      unwrapIdentity(armoredWith([scrypt([salt, '10'], new Uint8Array(33))]), 'pw'),
    ).rejects.toThrow(new AgeError('invalid scrypt stanza'));
  });

  it('rejects scrypt mixed with other stanzas, or twice', async () => {
    const other: Stanza = {
      type: 'X25519',
      args: [encodeBase64(new Uint8Array(32).fill(9))],
      body: new Uint8Array(32),
    };
    for (const stanzas of [
      [scrypt([salt, '10']), other],
      [other, scrypt([salt, '10'])],
      [scrypt([salt, '10']), scrypt([salt, '10'])],
    ]) {
      await expect(unwrapIdentity(armoredWith(stanzas), 'pw')).rejects.toThrow(
        new AgeError('scrypt stanza must be alone'),
      );
    }
  });

  it('does not take a differently-cased type for scrypt', async () => {
    await expect(
      unwrapIdentity(armoredWith([{ ...scrypt([salt, '10']), type: 'Scrypt' }]), 'pw'),
    ).rejects.toThrow(new AgeError('file is not passphrase-encrypted'));
  });

  it('rejects armor that is not strict PEM', async () => {
    const wrapped = await wrapIdentity(identity, 'pw', { logN: 8 });
    const lines = wrapped.trim().split('\n');
    const bad = [
      wrapped.replace('-----BEGIN AGE ENCRYPTED FILE-----', '-----BEGIN AGE ENCRYPTED FILES-----'),
      [lines[0], `${lines[1]!} `, ...lines.slice(2)].join('\n'),
      [lines[0], '', ...lines.slice(1)].join('\n'),
      [lines[0], lines[1]!.slice(0, 60), lines[1]!.slice(60), ...lines.slice(2)].join('\n'),
      'garbage\n' + wrapped,
      wrapped + 'garbage\n',
      // Padding removed, or added where none belongs.
      wrapped.includes('=')
        ? wrapped.replace(/=+\n-----END/, '\n-----END')
        : wrapped.replace(/\n-----END/, '==\n-----END'),
    ];
    for (const [i, text] of bad.entries()) {
      await expect(unwrapIdentity(text, 'pw'), `case ${i}`).rejects.toThrow(new AgeError('invalid armor'));
    }
    // Whitespace around the block and CRLF line ends are fine.
    expect(await unwrapIdentity(`\n  ${wrapped.replaceAll('\n', '\r\n')}  \n`, 'pw')).toBe(identity);
  });
});
