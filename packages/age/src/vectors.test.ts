import { describe, expect, it } from 'vitest';
import { createAge } from './age.js';
import type { Stanza } from './header.js';
import {
  AgeError,
  decrypt,
  decryptStream,
  generateIdentity,
  identityToRecipient,
  isRecipient,
  parseHeader,
} from './index.js';
import {
  ageDecrypt,
  pipeUntilError,
  plaintextOf,
  scratchDir,
  seededBackends,
} from './test-support/fixtures.js';
import {
  NONCE,
  assemble,
  chunksOf,
  encodeBase64,
  headerText,
  nonCanonical,
  rawChunk,
  x25519Stanza,
} from './test-support/forge.js';

const dir = await scratchDir();
const { identity, recipient } = await generateIdentity();
const stranger = await generateIdentity();

describe('known answers', () => {
  it('maps the spec’s example identity to the spec’s example recipient', async () => {
    // c2sp.org/age, "The X25519 recipient type": identity = 32 bytes of 0x42.
    const specIdentity = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    expect(await identityToRecipient(specIdentity)).toBe(
      'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj',
    );
    expect(isRecipient('age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj')).toBe(true);
  });

  it('produces the recorded bytes for fixed randomness, and age decrypts them', async () => {
    const specIdentity = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    const specRecipient = await identityToRecipient(specIdentity);
    const age = createAge(seededBackends('known-answer').node);
    const ciphertext = await age.encrypt(new TextEncoder().encode('porchlight\n'), [specRecipient]);
    expect(Buffer.from(ciphertext).toString('base64')).toBe(KNOWN_ANSWER);
    const result = await ageDecrypt(dir, ciphertext, specIdentity);
    expect(result.stdout.toString()).toBe('porchlight\n');
  });

  it('rejects malformed keys', async () => {
    expect(isRecipient(recipient.toUpperCase())).toBe(false);
    expect(isRecipient(recipient.slice(0, -1) + (recipient.endsWith('q') ? 'p' : 'q'))).toBe(false);
    expect(isRecipient(stranger.identity)).toBe(false);
    await expect(identityToRecipient(recipient)).rejects.toThrow(new AgeError('invalid identity'));
    await expect(identityToRecipient(identity.toLowerCase().slice(0, 20))).rejects.toThrow(AgeError);
  });
});

/** `encrypt("porchlight\n")` to the spec's example recipient with randomness seeded "known-answer". */
const KNOWN_ANSWER =
  'YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBnS2dDVms0MEg4WFB5Y0tWQVBTdkl5bjkvUHdJb2NpY0h4a2Z0UzdDMW5zCjJSY051NWFGbW9xS3BzYUxuclNTUDl3dmJkMnRVQklwZFhXdHdPdnU0SEkKLS0tIE1VNW9pVjJNa09pcFU0SFNocEtqY3pyNUt3bGVvQnhnS2lBSlluVmxSb1kKjOoHCeMXxs83idgtCzc9HTj2XpJ1VsC7OSmUrdleUjSRCXv593vmPEedUA==';

type Case = {
  name: string;
  file: () => Uint8Array;
  /** `null` = decrypts to {@link PLAINTEXT}; otherwise our error message. */
  error: string | null;
  /** Set where Debian's age 1.1.1 is laxer than the spec (it only enforces the rule with a passphrase). */
  referenceAccepts?: true;
  /** The plaintext the file's authentic chunks hold, when not {@link PLAINTEXT}. */
  plaintext?: Uint8Array;
};

const PLAINTEXT = plaintextOf(70_000, 5);
const mine = (): Stanza => x25519Stanza(recipient);
const valid = (stanzas: Stanza[] = [mine()]): string => headerText(stanzas);
const withBody = (stanza: Stanza, body: Uint8Array): Stanza => ({ ...stanza, body });
const withArgs = (stanza: Stanza, args: string[]): Stanza => ({ ...stanza, args });
const macLine = (header: string): string => header.slice(header.lastIndexOf('--- '));
const replaceMac = (header: string, mac: string): string => header.slice(0, header.lastIndexOf('--- ')) + mac;
const file = (header: string, chunks = chunksOf(PLAINTEXT)): Uint8Array => assemble(header, chunks);

/** Malformed files in the spirit of the age testkit (c2sp.org/CCTV/age): each breaks exactly one rule. */
const CASES: Case[] = [
  { name: 'a valid file', file: () => file(valid()), error: null },
  {
    name: 'unknown stanzas before ours are ignored (grease)',
    file: () =>
      file(valid([{ type: 'grease-☃'.slice(0, 6), args: ['x', 'y'], body: new Uint8Array(48) }, mine()])),
    error: null,
  },
  {
    name: 'our stanza after a stranger’s',
    file: () => file(valid([x25519Stanza(stranger.recipient), mine()])),
    error: null,
  },
  {
    name: 'only a stranger’s stanza',
    file: () => file(valid([x25519Stanza(stranger.recipient)])),
    error: 'no identity matched',
  },
  {
    name: 'lowercase x25519 is another type',
    file: () => file(valid([{ ...mine(), type: 'x25519' }])),
    error: 'no identity matched',
  },
  {
    name: 'version line v2',
    file: () => file(valid().replace('/v1\n', '/v2\n')),
    error: 'not an age v1 file',
  },
  { name: 'CRLF header', file: () => file(valid().replaceAll('\n', '\r\n')), error: 'not an age v1 file' },
  {
    name: 'no stanzas',
    file: () => file(`age-encryption.org/v1\n${macLine(valid())}`),
    error: 'no recipient stanzas',
  },
  {
    name: 'stanza without space after ->',
    file: () => file(valid().replace('-> X25519', '->X25519')),
    error: 'malformed header',
  },
  {
    name: 'empty stanza argument',
    file: () => file(valid().replace('-> X25519 ', '-> X25519  ')),
    error: 'malformed stanza',
  },
  {
    name: 'padded base64 body',
    file: () =>
      file(valid([withArgs(mine(), mine().args)]).replace(/\n([A-Za-z0-9+/]{43})\n---/, '\n$1=\n---')),
    error: 'invalid base64',
  },
  {
    name: 'non-canonical body',
    file: () => {
      const stanza = mine();
      const body = encodeBase64(stanza.body);
      return file(valid([stanza]).replace(body, nonCanonical(body)));
    },
    error: 'non-canonical base64',
  },
  {
    name: 'stanza body of exactly 64 columns without the empty final line',
    file: () =>
      file(
        valid([{ type: 'grease', args: ['a'], body: new Uint8Array(48) }, mine()]).replace(
          /(\n[A]{64}\n)\n/,
          '$1',
        ),
      ),
    error: 'invalid base64',
  },
  {
    name: 'body line longer than 64 columns',
    file: () =>
      file(
        valid([{ type: 'grease', args: ['a'], body: new Uint8Array(48) }, mine()]).replace(
          /\n[A]{64}\n\n/,
          `\n${'A'.repeat(68)}\n`,
        ),
      ),
    error: 'malformed stanza body',
  },
  {
    name: 'MAC of another key',
    file: () => file(headerText([mine()], new Uint8Array(16).fill(1))),
    error: 'header mac mismatch',
  },
  {
    name: 'MAC with a flipped bit',
    file: () => {
      const header = valid();
      const mac = macLine(header).slice(4, -1);
      const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
      return file(replaceMac(header, `--- ${flipped}\n`));
    },
    error: 'header mac mismatch',
  },
  {
    name: 'MAC without space',
    file: () => file(valid().replace('\n--- ', '\n---')),
    error: 'malformed header',
  },
  {
    name: 'MAC with an extra space',
    file: () => file(valid().replace('\n--- ', '\n---  ')),
    error: 'malformed header mac',
  },
  {
    name: 'MAC with a trailing space',
    file: () => file(valid().replace(/\n$/, ' \n')),
    error: 'malformed header mac',
  },
  { name: 'MAC truncated', file: () => file(valid().replace(/.\n$/, '\n')), error: 'malformed header mac' },
  {
    name: 'MAC not canonical',
    file: () => {
      const header = valid();
      return file(replaceMac(header, `--- ${nonCanonical(macLine(header).slice(4, -1))}\n`));
    },
    error: 'non-canonical base64',
  },
  {
    name: 'X25519 extra argument',
    file: () => file(valid([withArgs(mine(), [...mine().args, 'x'])])),
    error: 'invalid X25519 stanza',
  },
  {
    name: 'X25519 share of 31 bytes',
    file: () => file(valid([withArgs(mine(), [encodeBase64(new Uint8Array(31).fill(3))])])),
    error: 'invalid X25519 stanza',
  },
  {
    name: 'X25519 share of 33 bytes',
    file: () => file(valid([withArgs(mine(), [encodeBase64(new Uint8Array(33).fill(3))])])),
    error: 'invalid X25519 stanza',
  },
  {
    name: 'X25519 body of 33 bytes',
    file: () => file(valid([withBody(mine(), new Uint8Array(33))])),
    error: 'invalid X25519 stanza',
  },
  {
    name: 'X25519 low-order share',
    file: () => file(valid([withArgs(mine(), [encodeBase64(new Uint8Array(32))])])),
    error: 'invalid X25519 share',
  },
  {
    name: 'scrypt mixed with X25519',
    file: () =>
      file(
        valid([
          mine(),
          { type: 'scrypt', args: [encodeBase64(new Uint8Array(16)), '10'], body: new Uint8Array(32) },
        ]),
      ),
    error: 'scrypt stanza must be alone',
    referenceAccepts: true,
  },
  {
    name: 'payload nonce cut short',
    file: () => assemble(valid(), [], NONCE.subarray(0, 10)),
    error: 'truncated payload nonce',
  },
  { name: 'no payload chunk at all', file: () => file(valid(), []), error: 'missing final chunk' },
  {
    name: 'final chunk missing (cut at a chunk boundary)',
    file: () => file(valid(), chunksOf(PLAINTEXT).slice(0, 1)),
    error: 'missing final chunk',
  },
  {
    name: 'cut inside the tag of the final chunk',
    file: () => file(valid()).subarray(0, -5),
    error: 'payload authentication failed',
  },
  {
    name: 'trailing byte after the final chunk',
    file: () => file(valid(), [...chunksOf(PLAINTEXT), new Uint8Array(1)]),
    error: 'payload authentication failed',
  },
  {
    name: 'a whole extra chunk after a full final chunk',
    file: () => file(valid(), [...chunksOf(plaintextOf(65536)), rawChunk(1, new Uint8Array(5), true)]),
    error: 'trailing data after final chunk',
    plaintext: plaintextOf(65536),
  },
  {
    name: 'empty final chunk after a full one',
    file: () => file(valid(), [rawChunk(0, plaintextOf(65536), false), rawChunk(1, new Uint8Array(0), true)]),
    error: 'empty final chunk',
    plaintext: plaintextOf(65536),
  },
  {
    name: 'short final chunk not flagged last',
    file: () =>
      file(valid(), [
        rawChunk(0, PLAINTEXT.subarray(0, 65536), false),
        rawChunk(1, PLAINTEXT.subarray(65536), false),
      ]),
    error: 'payload authentication failed',
  },
  {
    name: 'chunks swapped',
    file: () => {
      const [a, b, c] = chunksOf(plaintextOf(3 * 65536));
      return file(valid(), [b!, a!, c!]);
    },
    error: 'payload authentication failed',
    plaintext: plaintextOf(3 * 65536),
  },
];

describe('spec rules, checked against Debian age as the reference', { timeout: 60_000 }, () => {
  it.each(CASES)('$name', async ({ file: make, error, referenceAccepts, plaintext }) => {
    const bytes = make();
    const reference = await ageDecrypt(dir, bytes, identity);
    const expected = error === null ? PLAINTEXT : null;
    if (expected) {
      expect(await decrypt(bytes, [identity])).toEqual(expected);
      expect(reference.code, reference.stderr).toBe(0);
      return;
    }
    await expect(decrypt(bytes, [identity])).rejects.toThrow(new AgeError(error!));
    const streamed = await pipeUntilError(bytes, decryptStream([identity]));
    expect(streamed.error).toEqual(new AgeError(error!));
    // Whatever a stream released before failing must be authentic: whole chunks of the true plaintext, never more.
    const truth = plaintext ?? PLAINTEXT;
    expect(streamed.released.length % 65536).toBe(0);
    expect(Buffer.from(truth.subarray(0, streamed.released.length)).equals(streamed.released)).toBe(true);
    expect(reference.code === 0, `age ${reference.code === 0 ? 'accepted' : 'rejected'} "${error}"`).toBe(
      referenceAccepts === true,
    );
  });

  it('parseHeader accepts every case whose header is well-formed and names the stanza types', () => {
    expect(parseHeader(file(valid([x25519Stanza(stranger.recipient), mine()])))).toMatchObject({
      stanzaTypes: ['X25519', 'X25519'],
    });
    expect(parseHeader(file(valid()).subarray(0, 30))).toBeNull();
    expect(() => parseHeader(new TextEncoder().encode('PK\x03\x04 not age'))).toThrow(
      new AgeError('not an age v1 file'),
    );
  });
});
