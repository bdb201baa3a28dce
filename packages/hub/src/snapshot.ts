import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { encryptFile } from '@porchlight/age/node';
import type { HubCamera } from './api.js';
import { probeKeyframes, probeVideo, runTool } from './ffmpeg.js';
import { planGeometry } from './geometry.js';
import type { Reporter } from './progress.js';
import { writeFileAtomic, type DeviceCredentials } from './state.js';

/** How often a camera's snapshot is renewed (a new one replaces the old on the server). */
const EVERY_MS = 24 * 3600 * 1000;

/**
 * Writes one frame of `input` as a JPEG at the geometry the burn-in lays zones on: upright (rotation
 * metadata applied), square pixels, the clip's largest size — so a zone drawn over it in normalised
 * coordinates is exactly where the hub will burn it. Returns that size.
 */
export async function snapshotFrame(
  input: string,
  output: string,
  signal?: AbortSignal,
): Promise<{ width: number; height: number }> {
  const info = await probeVideo(input);
  const plan = planGeometry(info, info, await probeKeyframes(input));
  const run = (args: string[]) => runTool('ffmpeg', args, signal ? { signal } : {});
  let source = input;
  // As in the burn-in: a rotated input goes through Matroska (no display matrix), then is rotated by the plan.
  if (plan.rotation !== 0) {
    source = `${output}.upright.mkv`;
    await run(['-v', 'error', '-i', input, '-map', '0:v:0', '-c', 'copy', '-y', source]);
  }
  try {
    const at = Math.min(1, info.durationSeconds / 2).toFixed(2);
    await run([
      ...['-v', 'error', '-noautorotate', '-ss', at, '-i', source],
      ...[
        '-frames:v',
        '1',
        '-vf',
        `${plan.filters},format=yuvj420p`,
        '-q:v',
        '4',
        '-f',
        'image2',
        '-y',
        output,
      ],
    ]);
  } finally {
    if (source !== input) await rm(source, { force: true });
  }
  return { width: plan.width, height: plan.height };
}

/**
 * Keeps one encrypted snapshot per camera on the server, for the web zone editor to draw on a real frame:
 * taken from a clip's original video (before the zones: the owner edits them over what the camera sees),
 * age-encrypted to the owner's pinned recipient — the server cannot read it — and sent with
 * `PUT /api/hub/cameras/{id}/snapshot`. Renewed once a day per camera. Best effort: a snapshot that fails is
 * reported and never holds up or fails the clip. A server without the endpoint is told about once.
 */
export class Snapshots {
  private unsupported = false;
  private taken: Record<string, string> | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly credentials: Pick<DeviceCredentials, 'server' | 'token'>,
    private readonly reporter: Reporter,
  ) {}

  private get file(): string {
    return path.join(this.stateDir, 'snapshots.json');
  }

  /** Takes and sends a snapshot of `camera` from `input` when it has none or it is a day old. */
  async maybeTake(
    camera: Pick<HubCamera, 'id' | 'name'>,
    input: string,
    recipient: string,
    workDir: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.unsupported) return;
    const id = camera.id;
    this.taken ??= await readFile(this.file, 'utf8')
      .then((t) => JSON.parse(t) as Record<string, string>)
      .catch(() => ({}));
    const last = this.taken[id];
    if (last && Date.now() - Date.parse(last) < EVERY_MS) return;
    const jpeg = path.join(workDir, `snapshot-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.jpg`);
    try {
      const { width, height } = await snapshotFrame(input, jpeg, signal);
      await encryptFile(jpeg, `${jpeg}.age`, [recipient]);
      const ciphertext = (await readFile(`${jpeg}.age`)).toString('base64');
      const takenAt = new Date().toISOString();
      const url = `${this.credentials.server}/api/hub/cameras/${encodeURIComponent(id)}/snapshot`;
      const res = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.credentials.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ciphertext, width, height, takenAt }),
        signal: AbortSignal.any([AbortSignal.timeout(60_000), ...(signal ? [signal] : [])]),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
      // An older server has no such route; a 404 for the camera itself is reported like any refusal below.
      if (res.status === 405 || (res.status === 404 && body.detail?.startsWith('no route for ') === true)) {
        this.unsupported = true;
        this.reporter.warn(
          `${this.credentials.server} does not accept camera snapshots yet (PUT ${url} answered ${res.status}); the zone editor shows no frame from this hub`,
        );
        return;
      }
      if (!res.ok) {
        this.reporter.warn(
          `snapshot of camera "${camera.name}" not sent: ${this.credentials.server} said ${res.status} ${body.code ?? ''}${body.detail ? `: ${body.detail}` : ''}`,
        );
        return;
      }
      this.taken[id] = takenAt;
      await writeFileAtomic(this.file, JSON.stringify(this.taken) + '\n');
      this.reporter.stage('hub', `sent an encrypted ${width}×${height} snapshot of camera "${camera.name}"`);
    } catch (err) {
      if (signal?.aborted) throw err;
      this.reporter.warn(`snapshot of camera "${camera.name}" not sent: ${(err as Error).message}`);
    } finally {
      await rm(jpeg, { force: true });
      await rm(`${jpeg}.age`, { force: true });
    }
  }
}
