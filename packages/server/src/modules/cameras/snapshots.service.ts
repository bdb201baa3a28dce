import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { DevicesService } from '../devices/devices.service.js';
import { clipCiphertextProblem, parseHeader } from '../vault/age-format.js';
import * as cameras from './cameras.repository.js';
import { MAX_SNAPSHOT_BYTES } from './cameras.schema.js';

/** A frame taken more than this far in the server's future is refused (a hub clock far ahead). */
const CLOCK_SKEW_MS = 10 * 60_000;

interface SnapshotInput {
  ciphertext: string;
  width: number;
  height: number;
  takenAt: string;
}

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field} ${message}`, [{ field, message }]);
}

/** Strict base64: what decodes must encode back to the same text, so nothing is silently dropped. */
function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * One encrypted frame per camera, sent by the owner's hub and read by the owner's browser to draw privacy
 * zones over what the camera sees. The server checks it is age ciphertext for X25519 recipients (so the hub
 * did not send a plain JPEG) and keeps only the newest; it can never read it.
 */
export class CameraSnapshotsService {
  constructor(
    private readonly deps: Deps,
    private readonly devices: DevicesService,
  ) {}

  /** A paired hub replaces a camera's snapshot. Another owner's camera does not exist for it (404). */
  async put(authorization: string | undefined, cameraId: string, input: SnapshotInput): Promise<void> {
    const device = await this.devices.authenticate(authorization);
    const camera = await cameras.findOwnCamera(this.deps.db, device.ownerId, cameraId);
    if (!camera) throw notFound('camera');
    const bytes = decodeBase64(input.ciphertext);
    if (!bytes) throw invalid('/body/ciphertext', 'is not base64');
    if (bytes.length > MAX_SNAPSHOT_BYTES) {
      throw invalid('/body/ciphertext', `is ${bytes.length} bytes; at most ${MAX_SNAPSHOT_BYTES} are kept`);
    }
    const header = parseHeader(bytes);
    if (!header.ok) throw invalid('/body/ciphertext', `is not age ciphertext (${header.reason})`);
    const problem = clipCiphertextProblem(header, bytes.length);
    if (problem) throw invalid('/body/ciphertext', `is not a frame encrypted to the owner: ${problem}`);
    const takenAt = new Date(input.takenAt);
    if (takenAt.getTime() > this.deps.clock.now().getTime() + CLOCK_SKEW_MS) {
      throw invalid('/body/takenAt', 'is in the future; check the hub’s clock');
    }
    await cameras.putSnapshot(this.deps.db, camera.id, device.deviceId, {
      ciphertext: bytes,
      width: input.width,
      height: input.height,
      takenAt,
    });
  }

  /** The owner's latest snapshot of their camera; 404 when the camera is not theirs or has none yet. */
  async get(viewer: Viewer | null, cameraId: string) {
    const v = authorize(viewer, 'vault.own');
    const camera = await cameras.findOwnCamera(this.deps.db, v.id, cameraId);
    if (!camera) throw notFound('camera');
    const row = await cameras.findSnapshot(this.deps.db, camera.id);
    if (!row)
      throw new AppError(
        'not_found',
        'this camera has no snapshot yet: its hub sends one with its first clip',
      );
    return {
      ciphertext: Buffer.from(row.ciphertext).toString('base64'),
      width: row.width,
      height: row.height,
      takenAt: row.taken_at.toISOString(),
    };
  }
}
