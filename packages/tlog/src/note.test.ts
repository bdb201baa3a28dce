import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_SIGNATURES,
  ed25519Signer,
  ed25519Verifier,
  formatNote,
  formatSignatureLine,
  parseNote,
  signNote,
  verifyNote,
} from './note.js';
import type { Note, NoteSignature } from './note.js';
import { formatSignerKey, formatVerifierKey, generateSigner, parseSignerKey } from './vkey.js';

interface Vectors {
  vectors: { vkey?: string; skey?: string; note?: string; expectValid?: boolean }[];
  unverifiableExamples: { note: string }[];
}

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const vectorFile = JSON.parse(
  readFileSync(path.join(shared, 'vectors/tlog/signed-note-vectors.json'), 'utf8'),
) as Vectors;
const signedVectors = vectorFile.vectors.flatMap(({ vkey, skey, note, expectValid }) =>
  vkey !== undefined && note !== undefined && expectValid === true ? [{ vkey, skey, note }] : [],
);

const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER = signedVectors.find((v) => v.skey !== undefined)!;
const ENOCH = signedVectors.find((v) => v.vkey.startsWith('EnochRoot+'))!;
const sigLine = (note: string) => note.slice(note.lastIndexOf('\n\n') + 2);
const BOTH = `${GO_TEXT}\n${sigLine(PETER.note)}${sigLine(ENOCH.note)}`;
const names = (sigs: readonly NoteSignature[]) => sigs.map((s) => s.name);

describe('signed note vectors', () => {
  it('loads every signed vector', () => {
    expect(signedVectors).toHaveLength(3);
  });

  it.each(signedVectors)('verifies the note signed by $vkey', ({ vkey, note }) => {
    const opened = verifyNote(note, [ed25519Verifier(vkey)]);
    expect(opened.text).toBe(note.slice(0, note.lastIndexOf('\n\n') + 1));
    expect(names(opened.verified)).toEqual([vkey.split('+')[0]]);
    expect(opened.unverified).toEqual([]);
    expect(verifyNote(new TextEncoder().encode(note), [ed25519Verifier(vkey)])).toEqual(opened);
  });

  it('re-signs the go vector byte for byte', () => {
    expect(signNote(GO_TEXT, [ed25519Signer(PETER.skey!)])).toBe(PETER.note);
  });

  it('verifies both go signatures together, and ignores the one whose key is not known', () => {
    const peter = ed25519Verifier(PETER.vkey);
    const enoch = ed25519Verifier(ENOCH.vkey);
    expect(names(verifyNote(BOTH, [peter, enoch]).verified)).toEqual(['PeterNeumann', 'EnochRoot']);
    const opened = verifyNote(BOTH, [enoch]);
    expect(names(opened.verified)).toEqual(['EnochRoot']);
    expect(names(opened.unverified)).toEqual(['PeterNeumann']);
  });

  it('rejects a note with no signature from a known key', () => {
    expect(() => verifyNote(PETER.note, [ed25519Verifier(ENOCH.vkey)])).toThrow('no verifiable signatures');
    expect(() => verifyNote(PETER.note, [])).toThrow('no verifiable signatures');
  });

  it('rejects the whole note when a known key signature fails', () => {
    const forged = BOTH.replace('\u2014 EnochRoot rwz+eBzm', '\u2014 EnochRoot rwz+eBzn');
    expect(() => verifyNote(forged, [ed25519Verifier(PETER.vkey), ed25519Verifier(ENOCH.vkey)])).toThrow(
      'invalid signature',
    );
  });

  it('ignores signatures that share only the name or only the key id of a known key', () => {
    const enochBytes = parseNote(ENOCH.note).signatures[0]!.signature;
    const peterId = parseNote(PETER.note).signatures[0]!.keyId;
    const impostors = [
      { name: 'PeterNeumann', keyId: 0x01020304, signature: enochBytes },
      { name: 'PeterNeuman', keyId: peterId, signature: enochBytes },
    ];
    const note = PETER.note + impostors.map(formatSignatureLine).join('');
    const opened = verifyNote(note, [ed25519Verifier(PETER.vkey)]);
    expect(names(opened.verified)).toEqual(['PeterNeumann']);
    expect(opened.unverified).toEqual(impostors);
  });

  it('parses the tlog-checkpoint example note without a key', () => {
    const [example] = vectorFile.unverifiableExamples;
    const note = parseNote(example!.note);
    expect(note.text).toBe(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    expect(names(note.signatures)).toEqual(['example.com/behind-the-sofa']);
    expect(note.signatures[0]!.signature).toHaveLength(64);
    expect(formatNote(note)).toBe(example!.note);
    const stranger = ed25519Verifier(generateSigner('example.com/behind-the-sofa').vkey);
    expect(() => verifyNote(example!.note, [stranger])).toThrow('no verifiable signatures');
  });
});

describe('note format', () => {
  const line = sigLine(PETER.note);
  const b64 = line.slice(line.lastIndexOf(' ') + 1, -1);
  it.each([
    ['no blank line', `${GO_TEXT}${line}`],
    ['no signatures', `${GO_TEXT}\n`],
    ['a signature block without a final newline', `${GO_TEXT}\n${line.slice(0, -1)}`],
    ['a hyphen instead of an em dash', `${GO_TEXT}\n${line.replace('\u2014', '-')}`],
    ['no space after the em dash', `${GO_TEXT}\n${line.replace('\u2014 ', '\u2014')}`],
    ['no signature after the name', `${GO_TEXT}\n\u2014 PeterNeumann\n`],
    ['an empty signature', `${GO_TEXT}\n\u2014 PeterNeumann \n`],
    ['a plus in the name', `${GO_TEXT}\n${line.replace('PeterNeumann', 'Peter+Neumann')}`],
    ['an empty name', `${GO_TEXT}\n${line.replace('PeterNeumann', '')}`],
    ['a signature of only a key id', `${GO_TEXT}\n\u2014 PeterNeumann x08gow==\n`],
    ['unpadded base64', `${GO_TEXT}\n${line.replace('=\n', '\n')}`],
    ['non-canonical base64 padding bits', `${GO_TEXT}\n${line.replace('AM=\n', 'AN=\n')}`],
    ['url-safe base64', `${GO_TEXT}\n${line.replace('/', '_')}`],
    ['two spaces before the signature', `${GO_TEXT}\n${line.replace(' x08', '  x08')}`],
    ['a carriage return', PETER.note.replace('\n', '\r\n')],
    ['a tab', PETER.note.replace(' ', '\t')],
    ['a nul', PETER.note.replace('If', 'I\0f')],
    ['a lone surrogate', PETER.note.replace('If', 'I\ud800f')],
    ['a trailing blank line after the signatures', `${PETER.note}\n`],
  ])('rejects a note with %s', (_, note) => {
    expect(() => parseNote(note)).toThrow();
    expect(() => verifyNote(note, [ed25519Verifier(PETER.vkey)])).toThrow();
  });

  it('keeps the aliasing cases honest: the non-canonical base64 decodes to the same bytes', () => {
    expect(Buffer.from(b64.replace(/AM=$/, 'AN='), 'base64')).toEqual(Buffer.from(b64, 'base64'));
  });

  it('rejects bytes that are not utf-8', () => {
    const bytes = new TextEncoder().encode(PETER.note);
    bytes[3] = 0xff;
    expect(() => parseNote(bytes)).toThrow('note is not valid utf-8');
  });

  it('keeps empty lines inside the text, splitting at the last blank line', () => {
    const text = 'a\n\n\u2014 not a signature\n\nb\n\n';
    const note = signNote(text, [ed25519Signer(PETER.skey!)]);
    expect(verifyNote(note, [ed25519Verifier(PETER.vkey)]).text).toBe(text);
  });

  const manySignatures = (n: number) =>
    `${GO_TEXT}\n${line}${Array.from({ length: n - 1 }, (_, i) => formatSignatureLine({ name: `w${i}`, keyId: i, signature: new Uint8Array(64) })).join('')}`;
  it.each([1, 16, 99, MAX_SIGNATURES])('accepts %i signatures', (n) => {
    expect(verifyNote(manySignatures(n), [ed25519Verifier(PETER.vkey)]).unverified).toHaveLength(n - 1);
  });

  it.each([MAX_SIGNATURES + 1, 1000])('rejects %i signatures', (n) => {
    expect(() => parseNote(manySignatures(n))).toThrow('too many signatures');
  });

  it('drops repeated identical unknown signatures and repeated known ones', () => {
    const extra = formatSignatureLine({ name: 'w', keyId: 7, signature: new Uint8Array(64) });
    const note = `${PETER.note}${extra}${extra}${sigLine(PETER.note)}`;
    const opened = verifyNote(note, [ed25519Verifier(PETER.vkey)]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified).toHaveLength(1);
  });

  it('refuses two verifiers for the same name and key id', () => {
    expect(() => verifyNote(PETER.note, [ed25519Verifier(PETER.vkey), ed25519Verifier(PETER.vkey)])).toThrow(
      'ambiguous verifier',
    );
  });

  it('refuses to sign or format what it would not parse', () => {
    const signer = ed25519Signer(PETER.skey!);
    expect(() => signNote('no newline', [signer])).toThrow('note text must end in a newline');
    expect(() => signNote('a\r\n', [signer])).toThrow('note contains a control character');
    expect(() => signNote('a\n', [])).toThrow('note has no signatures');
    expect(() => signNote('a\n', [{ ...signer, name: 'a b' }])).toThrow('invalid key name');
    expect(() => ed25519Signer(generateSigner('w', 0x04).skey)).toThrow('not an ed25519 note key');
    expect(() => ed25519Verifier(generateSigner('w', 0x04).vkey)).toThrow('not an ed25519 note key');
  });
});

const keyName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((n) => !/[\p{White_Space}+]/u.test(n));
// Any well-formed text without control characters other than newline, ending in a newline.
const noteText = fc
  .array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 6 })
  .map((lines) => `${lines.join('\n').replace(/\p{Cc}/gu, '')}\n`);
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('note properties', () => {
  it('verifies what it signs, with every signer', () => {
    fc.assert(
      fc.property(
        noteText,
        fc.array(fc.tuple(keyName, seed), { minLength: 1, maxLength: 3 }),
        (text, keys) => {
          const unique = [...new Map(keys.map(([name, s]) => [name, s])).entries()];
          const skeys = unique.map(([name, s]) => formatSignerKey(name, 0x01, s));
          const note = signNote(text, skeys.map(ed25519Signer));
          const verifiers = skeys.map((skey) => {
            const key = parseSignerKey(skey);
            return ed25519Verifier(formatVerifierKey(key.name, key.signatureType, key.publicKey));
          });
          const opened = verifyNote(note, verifiers);
          expect(opened.text).toBe(text);
          expect(names(opened.verified)).toEqual(unique.map(([name]) => name));
        },
      ),
    );
  });

  it('rejects any single-byte change to a signed note', () => {
    const { skey, vkey } = generateSigner('porchlight.example/log');
    const verifier = ed25519Verifier(vkey);
    fc.assert(
      fc.property(noteText, fc.nat(), fc.integer({ min: 1, max: 255 }), (text, at, delta) => {
        const bytes = new TextEncoder().encode(signNote(text, [ed25519Signer(skey)]));
        const index = at % bytes.length;
        bytes[index] = (bytes[index]! + delta) % 256;
        expect(() => verifyNote(bytes, [verifier])).toThrow();
      }),
    );
  });

  it('parses what it formats', () => {
    const signature = fc.record({
      name: keyName,
      keyId: fc.nat({ max: 0xffffffff }),
      signature: fc.uint8Array({ minLength: 1, maxLength: 80 }),
    });
    fc.assert(
      fc.property(noteText, fc.array(signature, { minLength: 1, maxLength: 5 }), (text, signatures) => {
        const note: Note = { text, signatures };
        expect(parseNote(formatNote(note))).toEqual(note);
      }),
    );
  });
});
