import type { Deps } from '../../deps.js';
import { AppError, type FieldError } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { dearmor, isRecipient, parseHeader, wrappedIdentityProblem } from './age-format.js';
import { presentVaultKeys } from './vault.presenter.js';
import * as keys from './vault.repository.js';

/** What the owner's browser sends to rotate: the new keys, and every retired identity sealed to the new key. */
export interface RotateKeysInput {
  /** The recipient being retired: must still be the current one (a stale page would lose a generation). */
  previousRecipient: string;
  recipient: string;
  wrappedIdentity: string;
  recoveryWrappedIdentity: string;
  retiredKeys: { generation: number; recipient: string; sealedIdentity: string }[];
}

/**
 * Why `armored` cannot be an identity sealed to a recipient, or undefined: an armored age file whose only
 * stanza is X25519 (so only an identity, never a passphrase, opens it) with a payload. The server cannot check
 * that it opens — it never holds a key — only that it has the one shape that could.
 */
export function sealedIdentityProblem(armored: string): string | undefined {
  const bytes = dearmor(armored);
  if (!bytes) return 'is not an ASCII-armored age file';
  const header = parseHeader(bytes);
  if (!header.ok) return `is not an age file (${header.reason})`;
  if (header.stanzas.length !== 1 || header.stanzas[0]?.type !== 'X25519')
    return 'must be encrypted to exactly one X25519 recipient (the new vault key)';
  if (bytes.length - header.headerLength < 32) return 'has no encrypted payload';
  return undefined;
}

/**
 * Key rotation (issue 9, hole 5): a new identity made in the owner's browser becomes current; the retired
 * ones are kept only sealed to it. Old wrapped copies in backups or WAL then open only clips from before the
 * rotation, new clips use the new recipient, and hubs that pinned the old key refuse until paired again.
 * The set of retired identities must be complete — every generation so far, the one retired now included —
 * so no rotation can silently drop a key that old clips need.
 */
export async function rotateVaultKeys(deps: Deps, viewer: Viewer | null, body: RotateKeysInput) {
  const v = authorize(viewer, 'vault.own');
  const errors: FieldError[] = [];
  if (!isRecipient(body.recipient))
    errors.push({ field: '/body/recipient', message: 'is not an age X25519 recipient (age1…)' });
  for (const name of ['wrappedIdentity', 'recoveryWrappedIdentity'] as const) {
    // The same minimum work factor as at setup: a rotation must not weaken the wrapping.
    const problem = wrappedIdentityProblem(body[name], deps.config.vaultMinWorkFactor);
    if (problem) errors.push({ field: `/body/${name}`, message: problem });
  }
  body.retiredKeys.forEach((r, i) => {
    const problem = sealedIdentityProblem(r.sealedIdentity);
    if (problem) errors.push({ field: `/body/retiredKeys/${i}/sealedIdentity`, message: problem });
  });
  if (errors.length > 0) throw invalid(errors);

  const row = await deps.db.transaction(async (tx) => {
    const current = await keys.lockVaultKeys(tx, v.id);
    if (!current) throw new AppError('vault_not_set_up');
    if (current.recipient !== body.previousRecipient) {
      throw new AppError(
        'conflict',
        'your vault key changed since this page loaded it (rotated in another tab?); reload and try again',
      );
    }
    if (body.recipient === current.recipient) {
      throw invalid([
        { field: '/body/recipient', message: 'is the current key; a rotation needs a new one' },
      ]);
    }
    // Exactly the keys old clips need: every retired generation with its recipient, plus the current one.
    const expected = new Map<number, { recipient: string; at: Date | null }>(
      (await keys.retiredKeysOf(tx, v.id)).map((r) => [
        r.generation,
        { recipient: r.recipient, at: r.retired_at },
      ]),
    );
    expected.set(current.generation, { recipient: current.recipient, at: null });
    const given = new Map(body.retiredKeys.map((r) => [r.generation, r]));
    const missing = [...expected].filter(([g, e]) => given.get(g)?.recipient !== e.recipient);
    if (missing.length > 0 || given.size !== body.retiredKeys.length || given.size !== expected.size) {
      throw invalid([
        {
          field: '/body/retiredKeys',
          message: `must hold every key generation so far (${[...expected.keys()].join(', ')}) once, each with its recipient`,
        },
      ]);
    }
    const generation = current.generation + 1;
    const rotated = await keys.rotateVaultKeys(tx, {
      userId: v.id,
      generation,
      recipient: body.recipient,
      wrappedIdentity: body.wrappedIdentity,
      recoveryWrappedIdentity: body.recoveryWrappedIdentity,
      retired: body.retiredKeys.map((r) => ({
        generation: r.generation,
        recipient: r.recipient,
        sealedIdentity: r.sealedIdentity,
        // Keep when each was first retired; the current one is retired now.
        retiredAt: r.generation === current.generation ? null : (expected.get(r.generation)?.at ?? null),
      })),
    });
    await insertEvent(tx, {
      type: 'vault.keys_rotated',
      actorId: v.id,
      subjectType: 'user',
      subjectId: v.id,
      data: { generation },
    });
    return rotated;
  });
  return presentVaultKeys(row, await keys.retiredKeysOf(deps.db, v.id));
}

const invalid = (errors: FieldError[]): AppError =>
  new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
