import type { ClipRow } from './clips.repository.js';

export function presentClip(row: ClipRow) {
  return {
    id: row.public_id,
    cameraId: row.camera_public_id,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}
