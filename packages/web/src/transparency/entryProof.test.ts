import { generateSigner, parseProofDocument } from '@porchlight/tlog';
import { describe, expect, it } from 'vitest';
import { TestLog } from '../keytransparency/test-support/testLog';
import { memoryTrust } from '../keytransparency/trustStore';
import { proveShownEntry } from './entryProof';

/** The entry as `/api/transparency/entries` shows it: the parsed canonical JSON of leaf `index`. */
const shown = (log: TestLog, index: number): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(log.entries[index])) as Record<string, unknown>;

function demoLog(): TestLog {
  const log = new TestLog();
  log.append('instance.created', { origin: log.origin, key: log.signer.vkey });
  log.append('policy.changed', { jurisdiction: 'portland-or', version: 2, reason: 'Council resolution 7' });
  log.append('moderation.hidden', { post: 'po_x', moderator: 3, reason: 'spam' });
  return log;
}

describe('proveShownEntry', () => {
  it('verifies a shown entry against the signed checkpoint and returns the proof document to download', async () => {
    const log = demoLog();
    const proof = await proveShownEntry({ log, trust: memoryTrust(), index: 1, entry: shown(log, 1) });
    expect(proof.result).toEqual({ verified: true, signedBy: [log.origin] });
    expect(proof.size).toBe(3);
    expect(proof.text).toBe(await log.proof(1));
    const doc = parseProofDocument(proof.text);
    expect(proof.hashes).toHaveLength(doc.proof.length);
    expect(proof.hashes.length).toBeGreaterThan(0);
    expect(proof.checkpoint.split('\n')[1]).toBe('3');
    expect(proof.rootHash).toBe(proof.checkpoint.split('\n')[2]);
    expect(proof.leafHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not verify an entry the page shows differently from the one the log holds', async () => {
    const log = demoLog();
    const entry = { ...shown(log, 1), data: { jurisdiction: 'portland-or', version: 2, reason: 'Edited' } };
    const proof = await proveShownEntry({ log, trust: memoryTrust(), index: 1, entry });
    expect(proof.result).toEqual({
      verified: false,
      reason: 'the entry inside the proof is not the entry shown on this page.',
    });
  });

  it('does not verify a checkpoint signed by a key other than the one this browser pinned', async () => {
    const log = demoLog();
    const trust = memoryTrust();
    await proveShownEntry({ log, trust, index: 0, entry: shown(log, 0) });
    log.servedKey = generateSigner(log.origin).vkey;
    const proof = await proveShownEntry({ log, trust, index: 0, entry: shown(log, 0) });
    expect(proof.result.verified).toBe(false);
    expect(proof.result).toMatchObject({ reason: expect.stringMatching(/different signing key/) as string });
  });

  it('does not verify a proof whose index is not the entry asked for', async () => {
    const log = demoLog();
    const entry = shown(log, 2);
    const proof = await proveShownEntry({
      log: {
        key: () => log.key(),
        checkpoint: () => log.checkpoint(),
        proof: () => log.proof(2),
        tile: (path) => log.tile(path),
        checkpointAt: (size) => log.checkpointAt(size),
        rotations: () => log.rotations(),
      },
      trust: memoryTrust(),
      index: 1,
      entry,
    });
    expect(proof.result).toEqual({ verified: false, reason: 'the proof is for entry 2, not 1.' });
  });
});
