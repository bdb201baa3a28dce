import type { Deps } from '../../deps.js';
import { AppError, type FieldError } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { isRecipient, wrappedIdentityProblem } from './age-format.js';
import { rotateVaultKeys, type RotateKeysInput } from './vault-rotation.service.js';
import { presentVaultKeys } from './vault.presenter.js';
import * as keys from './vault.repository.js';

/** Field errors for the age values in a keys body; empty when every one is well formed. */
function keyProblems(
  body: { recipient?: string; wrappedIdentity?: string; recoveryWrappedIdentity?: string },
  minWorkFactor: number,
) {
  const errors: FieldError[] = [];
  if (body.recipient !== undefined && !isRecipient(body.recipient)) {
    errors.push({ field: '/body/recipient', message: 'is not an age X25519 recipient (age1…)' });
  }
  for (const name of ['wrappedIdentity', 'recoveryWrappedIdentity'] as const) {
    const value = body[name];
    const problem = value === undefined ? undefined : wrappedIdentityProblem(value, minWorkFactor);
    if (problem) errors.push({ field: `/body/${name}`, message: problem });
  }
  return errors;
}

const invalidKeys = (errors: FieldError[]): AppError =>
  new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);

/**
 * The owner's vault keys. The server keeps the public recipient and the identity only wrapped under the
 * owner's passphrase and recovery code (zero knowledge); it checks their syntax and the wrapping's scrypt work
 * factor, never their content.
 */
export class VaultService {
  constructor(private readonly deps: Deps) {}

  async get(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    const row = await keys.findVaultKeys(this.deps.db, v.id);
    if (!row) throw new AppError('vault_not_set_up');
    return presentVaultKeys(row, await keys.retiredKeysOf(this.deps.db, v.id));
  }

  async setUp(
    viewer: Viewer | null,
    body: { recipient: string; wrappedIdentity: string; recoveryWrappedIdentity: string },
  ) {
    const v = authorize(viewer, 'vault.own');
    const errors = keyProblems(body, this.deps.config.vaultMinWorkFactor);
    if (errors.length > 0) throw invalidKeys(errors);
    const row = await this.deps.db.transaction(async (tx) => {
      const inserted = await keys.insertVaultKeys(tx, { userId: v.id, ...body });
      if (!inserted) throw new AppError('vault_already_set_up', 'your vault keys are already set up');
      await insertEvent(tx, { type: 'vault.keys_set', actorId: v.id, subjectType: 'user', subjectId: v.id });
      return inserted;
    });
    return presentVaultKeys(row);
  }

  /** Stores the identity wrapped under a new passphrase; the recipient (and so every clip) is unchanged. */
  async rewrap(viewer: Viewer | null, wrappedIdentity: string) {
    const v = authorize(viewer, 'vault.own');
    const errors = keyProblems({ wrappedIdentity }, this.deps.config.vaultMinWorkFactor);
    if (errors.length > 0) throw invalidKeys(errors);
    const row = await this.deps.db.transaction(async (tx) => {
      const updated = await keys.updateWrappedIdentity(tx, v.id, wrappedIdentity);
      if (!updated) throw new AppError('vault_not_set_up');
      await insertEvent(tx, { type: 'vault.rewrapped', actorId: v.id, subjectType: 'user', subjectId: v.id });
      return updated;
    });
    return presentVaultKeys(row, await keys.retiredKeysOf(this.deps.db, v.id));
  }

  /** Key rotation: a new identity, the retired ones kept sealed to it (see vault-rotation.service.ts). */
  rotate(viewer: Viewer | null, body: RotateKeysInput) {
    return rotateVaultKeys(this.deps, viewer, body);
  }

  /** The owner's recipient, or vault_not_set_up (cameras and uploads need keys first). */
  async recipientOf(ownerId: number): Promise<string> {
    const row = await keys.findVaultKeys(this.deps.db, ownerId);
    if (!row) throw new AppError('vault_not_set_up');
    return row.recipient;
  }
}
