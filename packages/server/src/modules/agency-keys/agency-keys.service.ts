import type { Deps } from '../../deps.js';
import { AppError, notFound, type FieldError } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import type { Viewer } from '../../policies.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import { insertEvent } from '../events/events.repository.js';
import { isRecipient, wrappedIdentityProblem } from '../vault/age-format.js';
import { presentAgencyKey, presentRecipient } from './agency-keys.presenter.js';
import * as keys from './agency-keys.repository.js';

/**
 * The least scrypt work factor (log2 N) a member's wrapped identity may use, whatever the vault's minimum: an
 * agency identity decrypts every disclosure made to the agency, so a copy the server holds must not be cheap
 * to brute-force.
 */
export const MIN_AGENCY_SCRYPT_LOG_N = 16;

function keyProblems(
  body: { recipient: string; wrappedIdentity: string; recoveryWrappedIdentity: string },
  minWorkFactor: number,
) {
  const errors: FieldError[] = [];
  if (!isRecipient(body.recipient))
    errors.push({ field: '/body/recipient', message: 'is not an age X25519 recipient (age1…)' });
  for (const name of ['wrappedIdentity', 'recoveryWrappedIdentity'] as const) {
    const problem = wrappedIdentityProblem(body[name], minWorkFactor);
    if (problem) errors.push({ field: `/body/${name}`, message: problem });
  }
  return errors;
}

/**
 * Agency members' keys (issue 8 §2). Each member holds an age identity made in their browser; the server keeps
 * the recipient and wrapped copies only. The agency's recipient set is public and logged key by key
 * (`agency.key_added` / `agency.key_removed`, naming the agency and the recipient, never the member), so an
 * owner's browser can check every recipient against the log before it encrypts a disclosure.
 */
export class AgencyKeysService {
  constructor(
    private readonly deps: Deps,
    private readonly agencies: AgenciesService,
  ) {}

  /** The member's own key, to unwrap in the browser. */
  async get(viewer: Viewer | null) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const row = await keys.findCurrentKey(this.deps.db, v.id);
    if (!row || row.agency_id !== agency.id) throw new AppError('agency_keys_not_set_up');
    return presentAgencyKey(row, agency.id);
  }

  /**
   * Sets the member's key. The same recipient again only replaces the wrapped copies (a passphrase change);
   * a new recipient replaces the old key in the agency's set, and both changes are logged.
   */
  async set(
    viewer: Viewer | null,
    body: { recipient: string; wrappedIdentity: string; recoveryWrappedIdentity: string },
  ) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const errors = keyProblems(body, Math.max(MIN_AGENCY_SCRYPT_LOG_N, this.deps.config.vaultMinWorkFactor));
    if (errors.length > 0)
      throw new AppError(
        'validation_failed',
        errors.map((e) => `${e.field} ${e.message}`).join('; '),
        errors,
      );
    const now = this.deps.clock.now();
    const row = await this.deps.db.transaction(async (tx) => {
      const current = await keys.lockCurrentKey(tx, v.id);
      if (current && current.recipient === body.recipient && current.agency_id === agency.id)
        return keys.rewrapKey(tx, current.id, body.wrappedIdentity, body.recoveryWrappedIdentity);
      if (await keys.recipientInUse(tx, body.recipient))
        throw new AppError('recipient_in_use', 'this recipient is already in an agency’s recipient set', [
          { field: '/body/recipient', message: 'is already in use; generate a new identity' },
        ]);
      if (current) await removeKey(tx, current, v.id, now);
      const addedEventId = await insertEvent(tx, {
        type: 'agency.key_added',
        actorId: v.id,
        subjectType: 'agency',
        subjectId: agency.id,
        data: { agencyId: agency.id, recipient: body.recipient },
      });
      return keys.insertKey(tx, { agencyId: agency.id, userId: v.id, ...body, addedEventId, now });
    });
    return presentAgencyKey(row, agency.id);
  }

  /** Every recipient the agency has had, with the log entries to check them against. Public. */
  async recipients(agencyId: number) {
    if (!(await keys.agencyExists(this.deps.db, agencyId))) throw notFound('agency');
    const rows = await keys.recipientHistory(this.deps.db, agencyId);
    return { agencyId, items: rows.map(presentRecipient) };
  }

  /** The agency's current recipient set, sorted. */
  currentRecipients(agencyId: number): Promise<string[]> {
    return keys.currentRecipients(this.deps.db, agencyId);
  }
}

async function removeKey(tx: Queryable, key: keys.AgencyKeyRow, actorId: number, now: Date): Promise<void> {
  const removedEventId = await insertEvent(tx, {
    type: 'agency.key_removed',
    actorId,
    subjectType: 'agency',
    subjectId: key.agency_id,
    data: { agencyId: key.agency_id, recipient: key.recipient },
  });
  await keys.removeKey(tx, key.id, removedEventId, now);
}

/**
 * Takes a member's key out of their agency's set when they leave it (call in the transaction that removes the
 * membership, so a former member is never a recipient). Logged as `agency.key_removed` by `actorId`.
 */
export async function retireMemberKey(
  tx: Queryable,
  userId: number,
  actorId: number,
  now: Date,
): Promise<void> {
  const current = await keys.lockCurrentKey(tx, userId);
  if (current) await removeKey(tx, current, actorId, now);
}
