import { randomInt } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { hashToken, randomToken } from '../auth/auth.service.js';
import * as cameras from '../cameras/cameras.repository.js';
import { insertEvent } from '../events/events.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { presentDevice } from './devices.presenter.js';
import * as devices from './devices.repository.js';

export const PAIRING_CODE_TTL_MS = 10 * 60_000;
/** Crockford base32: no I, L, O or U, so a code read off a screen is typed right. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TOKEN_PREFIX = 'pld_';

/** A paired hub acting for its owner. */
export interface DeviceActor {
  deviceId: number;
  ownerId: number;
}

/** Normalises a typed pairing code: case, spaces and dashes don't matter. */
const normaliseCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');

/**
 * Home hubs paired to an owner's vault. A hub pairs with a single-use code the owner creates while signed
 * in, and gets a device token (only its hash is stored) that works for the hub endpoints and tus uploads
 * until the owner revokes it.
 */
export class DevicesService {
  constructor(
    private readonly deps: Deps,
    private readonly vault: VaultService,
  ) {}

  async createPairingCode(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    await this.vault.recipientOf(v.id);
    // 10 symbols of 32: 50 bits, tried at most AUTH_RATE_LIMIT times a minute per client, for 10 minutes.
    const code = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(32)]).join('');
    const expiresAt = new Date(this.deps.clock.now().getTime() + PAIRING_CODE_TTL_MS);
    await this.deps.db.transaction(async (tx) => {
      await devices.insertPairingCode(tx, { codeHash: hashToken(code), ownerId: v.id, expiresAt });
      await insertEvent(tx, {
        type: 'device.pairing_code_created',
        actorId: v.id,
        subjectType: 'user',
        subjectId: v.id,
      });
    });
    return { code: `${code.slice(0, 5)}-${code.slice(5)}`, expiresAt: expiresAt.toISOString() };
  }

  /** Exchanges a pairing code for a device token. No session: the code is the credential. */
  async pair(input: { code: string; name: string }) {
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    return this.deps.db.transaction(async (tx) => {
      const ownerId = await devices.consumePairingCode(
        tx,
        hashToken(normaliseCode(input.code)),
        this.deps.clock.now(),
      );
      if (ownerId === undefined) {
        throw new AppError('pairing_code_invalid', 'this pairing code is wrong, already used or expired', [
          { field: '/body/code', message: 'is wrong, already used or expired' },
        ]);
      }
      const row = await devices.insertDevice(tx, {
        ownerId,
        name: input.name.trim(),
        tokenHash: hashToken(token),
      });
      await insertEvent(tx, {
        type: 'device.paired',
        actorId: ownerId,
        subjectType: 'device',
        subjectId: row.public_id,
      });
      return { device: presentDevice(row), token };
    });
  }

  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    return { items: (await devices.devicesOf(this.deps.db, v.id)).map(presentDevice) };
  }

  async revoke(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      const row = await devices.revokeDevice(tx, v.id, id, this.deps.clock.now());
      if (!row) throw notFound('device');
      await insertEvent(tx, {
        type: 'device.revoked',
        actorId: v.id,
        subjectType: 'device',
        subjectId: row.public_id,
      });
    });
  }

  /**
   * Resolves an `Authorization: Bearer` header to the device and its owner. A missing or unknown token is
   * 401 unauthenticated; a revoked one is 401 device_revoked, so the hub can tell the owner to pair again.
   */
  async authenticate(authorization: string | undefined): Promise<DeviceActor> {
    const m = /^Bearer\s+(\S{1,200})$/i.exec(authorization ?? '');
    if (!m) throw new AppError('unauthenticated', 'send the device token as Authorization: Bearer <token>');
    const row = await devices.touchDeviceByToken(this.deps.db, hashToken(m[1]!), this.deps.clock.now());
    if (!row) throw new AppError('unauthenticated', 'this device token is not known');
    if (row.revoked_at) throw new AppError('device_revoked', 'this device was revoked; pair it again');
    return { deviceId: row.id, ownerId: row.owner_id };
  }

  /** What a hub needs to do its job: whom to encrypt to, and which cameras with which privacy zones. */
  async hubConfig(authorization: string | undefined) {
    const d = await this.authenticate(authorization);
    const recipient = await this.vault.recipientOf(d.ownerId);
    const rows = await cameras.camerasOf(this.deps.db, d.ownerId);
    return {
      recipient,
      cameras: rows.map((c) => ({
        id: c.public_id,
        name: c.name,
        privacyZones: [...c.privacy_zones],
        retentionDays: c.retention_days,
      })),
    };
  }
}
