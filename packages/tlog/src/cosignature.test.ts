import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import {
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignedMessage,
} from './cosignature.js';
import {
  ed25519Signer,
  ed25519Verifier,
  formatSignatureLine,
  parseNote,
  signNote,
  verifyNote,
} from './note.js';
import { formatVerifierKey, generateSigner, keyId, parseVerifierKey } from './vkey.js';

// Both from c2sp.org/tlog-cosignature: the example signed message and the example cosigned checkpoint.
const CHECKPOINT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_MESSAGE = `cosignature/v1\ntime 1679315147\n${CHECKPOINT}`;
const SPEC_NOTE =
  `${CHECKPOINT}\n` +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const TIME = 1_700_000_000;
const log = generateSigner('porchlight.example/log');
const witness = generateSigner('witness.example/w1', 0x04);
const checkpoint = formatCheckpoint({
  origin: 'porchlight.example/log',
  size: 10,
  rootHash: new Uint8Array(32).fill(9),
  extensions: [],
});

describe('cosignature encoding', () => {
  it('builds the signed message of the spec example', () => {
    expect(new TextDecoder().decode(cosignedMessage(CHECKPOINT, 1679315147))).toBe(SPEC_MESSAGE);
  });

  it('reads the timestamp of the spec example cosignature', () => {
    const cosignature = parseNote(SPEC_NOTE).signatures[1]!;
    expect(cosignature.name).toBe('witness.example.com/w1');
    expect(cosignature.signature).toHaveLength(72);
    expect(cosignatureTimestamp(cosignature.signature)).toBe(1679315147);
  });

  it('derives cosigner key ids with signature type 0x04', () => {
    const key = parseVerifierKey(witness.vkey);
    expect(key.signatureType).toBe(0x04);
    expect(cosignatureVerifier(witness.vkey).keyId).toBe(keyId(key.name, 0x04, key.publicKey));
    expect(key.keyId).not.toBe(keyId(key.name, 0x01, key.publicKey));
  });

  it('signs 8-byte big-endian time || ed25519(cosigned message)', () => {
    const signature = cosignatureSigner(witness.skey, { now: () => TIME }).sign(
      new TextEncoder().encode(checkpoint),
    );
    expect(signature).toHaveLength(72);
    expect(Buffer.from(signature.subarray(0, 8)).readBigUInt64BE()).toBe(BigInt(TIME));
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, parseVerifierKey(witness.vkey).publicKey]),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, cosignedMessage(checkpoint, TIME), publicKey, signature.subarray(8))).toBe(true);
  });
});

describe('cosigned checkpoints', () => {
  const cosigner = cosignatureSigner(witness.skey, { now: () => TIME });
  const note = signNote(checkpoint, [ed25519Signer(log.skey), cosigner]);
  const verifiers = [ed25519Verifier(log.vkey), cosignatureVerifier(witness.vkey)];

  it('verifies the log signature and the cosignature together', () => {
    const { verified } = verifyNote(note, verifiers);
    expect(verified.map((s) => s.name)).toEqual(['porchlight.example/log', 'witness.example/w1']);
    expect(cosignatureTimestamp(verified[1]!.signature)).toBe(TIME);
  });

  it('is deterministic for a given time', () => {
    expect(signNote(checkpoint, [ed25519Signer(log.skey), cosigner])).toBe(note);
  });

  it('rejects a cosignature whose timestamp was changed', () => {
    const cosignature = parseNote(note).signatures[1]!;
    const moved = Uint8Array.from(cosignature.signature);
    moved[7] = moved[7]! ^ 1;
    const tampered = `${checkpoint}\n${formatSignatureLine({ ...cosignature, signature: moved })}`;
    expect(() => verifyNote(tampered, verifiers)).toThrow('invalid signature');
  });

  it('does not confuse a cosigner key with a plain note key of the same material', () => {
    const { name, publicKey } = parseVerifierKey(witness.vkey);
    const plain = ed25519Verifier(formatVerifierKey(name, 0x01, publicKey));
    expect(() => verifyNote(note, [plain])).toThrow('no verifiable signatures');
  });

  it('refuses timestamps it cannot encode exactly', () => {
    for (const now of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => signNote(checkpoint, [cosignatureSigner(witness.skey, { now: () => now })])).toThrow(
        'invalid cosignature timestamp',
      );
    }
  });

  it('rejects cosignatures with a timestamp past 2^53 or of the wrong length', () => {
    const huge = new Uint8Array(72);
    huge[1] = 0x20;
    expect(() => cosignatureTimestamp(huge)).toThrow('cosignature timestamp out of range');
    expect(() => cosignatureTimestamp(new Uint8Array(64))).toThrow('malformed cosignature');
    const line = formatSignatureLine({ name: 'witness.example/w1', keyId: cosigner.keyId, signature: huge });
    expect(() => verifyNote(`${checkpoint}\n${line}`, verifiers)).toThrow('invalid signature');
  });

  it('refuses to cosign text that is not a checkpoint', () => {
    expect(() => signNote('hello\n', [cosigner])).toThrow('checkpoint has fewer than three lines');
  });

  it('refuses note keys as cosigner keys', () => {
    expect(() => cosignatureSigner(log.skey)).toThrow('not a cosigner key');
    expect(() => cosignatureVerifier(log.vkey)).toThrow('not a cosigner key');
  });

  it('defaults to the system clock', () => {
    const before = Math.floor(Date.now() / 1000);
    const signature = cosignatureSigner(witness.skey).sign(new TextEncoder().encode(checkpoint));
    const after = Math.floor(Date.now() / 1000);
    expect(cosignatureTimestamp(signature)).toBeGreaterThanOrEqual(before);
    expect(cosignatureTimestamp(signature)).toBeLessThanOrEqual(after);
  });
});

describe('cosignature properties', () => {
  const origin = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter((l) => !/\p{Cc}/u.test(l));
  const cosignedNote = fc
    .record({
      origin,
      size: fc.maxSafeNat(),
      rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      time: fc.maxSafeNat(),
    })
    .map(({ time, ...fields }) => ({
      time,
      note: signNote(formatCheckpoint({ ...fields, extensions: [] }), [
        cosignatureSigner(witness.skey, { now: () => time }),
      ]),
    }));
  const verifier = cosignatureVerifier(witness.vkey);

  it('verifies what it cosigns at any time', () => {
    fc.assert(
      fc.property(cosignedNote, ({ time, note }) => {
        const { verified } = verifyNote(note, [verifier]);
        expect(cosignatureTimestamp(verified[0]!.signature)).toBe(time);
      }),
    );
  });

  it('rejects any single-byte change to a cosigned checkpoint', () => {
    fc.assert(
      fc.property(cosignedNote, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ note }, at, delta) => {
        const bytes = new TextEncoder().encode(note);
        const index = at % bytes.length;
        bytes[index] = (bytes[index]! + delta) % 256;
        expect(() => verifyNote(bytes, [verifier])).toThrow();
      }),
    );
  });
});
