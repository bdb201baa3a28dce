import {
  canonicalJson,
  ENTRY_SCHEMA,
  ed25519Signer,
  formatCheckpoint,
  formatProofDocument,
  generateSigner,
  inclusionProof,
  leafHash,
  MemoryTree,
  parseTilePath,
  signNote,
  tileContents,
} from '@porchlight/tlog';
import type { LogSource } from '../logSource';

/**
 * A real transparency log in memory, served the way `/log/` serves one: signed checkpoints, tlog-proof
 * documents carrying the entry, and hash tiles. Tests append entries and play operator (honest or not).
 */
export class TestLog implements LogSource {
  readonly origin: string;
  signer: { skey: string; vkey: string };
  entries: Uint8Array[] = [];
  tree = new MemoryTree();
  /** The key `/log/key` presents; an operator may serve another. */
  servedKey: string;
  /** Checkpoints signed at a given size (rotations' transition checkpoints). */
  readonly signedAt = new Map<number, string>();

  constructor(origin = 'porchlight.test/log') {
    this.origin = origin;
    this.signer = generateSigner(origin);
    this.servedKey = this.signer.vkey;
  }

  /** Appends a Porchlight entry of `type` and returns its leaf index. */
  append(type: string, data: Record<string, unknown>): number {
    const entry = {
      schema: ENTRY_SCHEMA,
      seq: this.entries.length + 1,
      type,
      time: '2026-12-01T10:00:00Z',
      data,
    };
    const bytes = new TextEncoder().encode(canonicalJson(entry));
    this.entries.push(bytes);
    this.tree.append(leafHash(bytes));
    return this.entries.length - 1;
  }

  /**
   * Rotates the log key as the server does: a `log.key_rotated` entry, and a transition checkpoint at its size
   * signed by the old key and the new one; the new key signs from then on. An operator without the old key
   * (`oldKeySigns: false`) can only sign the transition with the new one. Returns the entry's index.
   */
  async rotate({ oldKeySigns = true } = {}): Promise<number> {
    const next = generateSigner(this.origin);
    const index = this.append('log.key_rotated', { old: this.signer.vkey, new: next.vkey });
    const text = formatCheckpoint({
      origin: this.origin,
      size: this.tree.size,
      rootHash: await this.tree.root(),
      extensions: [],
    });
    const signers = [...(oldKeySigns ? [this.signer] : []), next].map((k) => ed25519Signer(k.skey));
    this.signedAt.set(this.tree.size, signNote(text, signers));
    this.signer = next;
    this.servedKey = next.vkey;
    return index;
  }

  checkpointAt(size: number): Promise<string> {
    const note = this.signedAt.get(size);
    return note === undefined ? Promise.reject(new Error('not found')) : Promise.resolve(note);
  }

  rotations(): Promise<number[]> {
    const decoder = new TextDecoder();
    return Promise.resolve(
      this.entries.flatMap((e, i) =>
        (JSON.parse(decoder.decode(e)) as { type: string }).type === 'log.key_rotated' ? [i] : [],
      ),
    );
  }

  key(): Promise<string> {
    return Promise.resolve(this.servedKey);
  }

  async checkpoint(): Promise<string> {
    const text = formatCheckpoint({
      origin: this.origin,
      size: this.tree.size,
      rootHash: await this.tree.root(),
      extensions: [],
    });
    return signNote(text, [ed25519Signer(this.signer.skey)]);
  }

  async proof(index: number): Promise<string> {
    if (index >= this.tree.size) throw new Error('not found');
    return formatProofDocument({
      extra: this.entries[index]!,
      index,
      proof: await inclusionProof(index, this.tree.size, this.tree),
      checkpoint: await this.checkpoint(),
    });
  }

  tile(path: string): Promise<Uint8Array> {
    return tileContents(parseTilePath(path), this.tree);
  }
}
