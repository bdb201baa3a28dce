import type { Deps } from '../../deps.js';
import { AppError, notFound, type FieldError } from '../../errors.js';
import { snap } from '../../geo/cells.js';
import { authorize, type Viewer } from '../../policies.js';
import type { ClipsService } from '../clips/clips.service.js';
import * as clips from '../clips/clips.repository.js';
import { insertEvent } from '../events/events.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { presentCamera } from './cameras.presenter.js';
import * as cameras from './cameras.repository.js';
import { DEFAULT_RETENTION_DAYS } from './cameras.schema.js';
import { zoneProblem } from './zones.js';

interface CameraInput {
  name?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  privacyZones?: string[] | undefined;
  retentionDays?: number | undefined;
  acceptAgencyRequests?: boolean | undefined;
}

function checkZones(zones: string[] | undefined): void {
  const errors: FieldError[] = (zones ?? []).flatMap((z, i) => {
    const problem = zoneProblem(z);
    return problem ? [{ field: `/body/privacyZones/${i}`, message: problem }] : [];
  });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
  }
}

interface CameraSettings {
  name: string;
  location: { lat: number; lng: number };
  privacyZones: string[];
  retentionDays: number;
  acceptAgencyRequests: boolean;
}

function fields(c: CameraSettings): cameras.CameraFields {
  const where = snap(c.location);
  return {
    name: c.name.trim(),
    // The exact point is kept for matching footage requests to cameras; responses show only `cell`.
    lat: c.location.lat,
    lng: c.location.lng,
    cell: where.cell,
    areaCell: where.areaCell,
    privacyZones: c.privacyZones,
    retentionDays: c.retentionDays,
    acceptAgencyRequests: c.acceptAgencyRequests,
  };
}

/**
 * An owner's cameras. Only the owner ever sees or changes one: for everybody else, moderators and admins
 * included, a camera does not exist (404).
 */
export class CamerasService {
  constructor(
    private readonly deps: Deps,
    private readonly vault: VaultService,
    private readonly clips: ClipsService,
  ) {}

  async create(
    viewer: Viewer | null,
    input: CameraInput & { name: string; location: { lat: number; lng: number } },
  ) {
    const v = authorize(viewer, 'vault.own');
    checkZones(input.privacyZones);
    await this.vault.recipientOf(v.id);
    const row = await this.deps.db.transaction(async (tx) => {
      const created = await cameras.insertCamera(
        tx,
        v.id,
        fields({
          name: input.name,
          location: input.location,
          privacyZones: input.privacyZones ?? [],
          retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
          acceptAgencyRequests: input.acceptAgencyRequests ?? false,
        }),
      );
      await insertEvent(tx, {
        type: 'camera.created',
        actorId: v.id,
        subjectType: 'camera',
        subjectId: created.public_id,
        data: { retentionDays: created.retention_days, acceptAgencyRequests: created.accept_agency_requests },
      });
      return created;
    });
    return presentCamera(row);
  }

  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    return { items: (await cameras.camerasOf(this.deps.db, v.id)).map(presentCamera) };
  }

  async get(viewer: Viewer | null, id: string) {
    const v = authorize(viewer, 'vault.own');
    const row = await cameras.findOwnCamera(this.deps.db, v.id, id);
    if (!row) throw notFound('camera');
    return presentCamera(row);
  }

  /** Changes a camera; a new retention recomputes the expiry of every clip it has. */
  async update(viewer: Viewer | null, id: string, input: CameraInput) {
    const v = authorize(viewer, 'vault.own');
    checkZones(input.privacyZones);
    const row = await this.deps.db.transaction(async (tx) => {
      const old = await cameras.findOwnCamera(tx, v.id, id, true);
      if (!old) throw notFound('camera');
      const updated = await cameras.updateCamera(
        tx,
        old.id,
        fields({
          name: input.name ?? old.name,
          location: input.location ?? { lat: old.lat, lng: old.lng },
          privacyZones: input.privacyZones ?? old.privacy_zones,
          retentionDays: input.retentionDays ?? old.retention_days,
          acceptAgencyRequests: input.acceptAgencyRequests ?? old.accept_agency_requests,
        }),
      );
      if (updated.retention_days !== old.retention_days) {
        await clips.recomputeExpiry(tx, old.id, updated.retention_days);
      }
      await insertEvent(tx, {
        type: 'camera.updated',
        actorId: v.id,
        subjectType: 'camera',
        subjectId: old.public_id,
        data: { changed: Object.keys(input).sort() },
      });
      return updated;
    });
    return presentCamera(row);
  }

  /** Deletes a camera with all its clips and unfinished uploads (rows now, blobs right after commit). */
  async delete(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      const row = await cameras.findOwnCamera(tx, v.id, id, true);
      if (!row) throw notFound('camera');
      const removed = await clips.orphanCameraBlobs(tx, row.id);
      await cameras.deleteCamera(tx, row.id);
      await insertEvent(tx, {
        type: 'camera.deleted',
        actorId: v.id,
        subjectType: 'camera',
        subjectId: row.public_id,
        data: { clips: removed },
      });
    });
    await this.clips.purgeOrphans();
  }
}
