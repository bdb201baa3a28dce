import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { HubError } from './errors.js';
import { detectEncoder, presetTable, SOFTWARE_ENCODER, type Encoder } from './encoder.js';
import { displayTransform, planGeometry, ZONES_NOT_GUARANTEED, type CodedGeometry } from './geometry.js';
import { checkZonesBurnedIn } from './zone-check.js';
import { maskToPam, parseZone, rasteriseZones } from './zones.js';

/** What the hub needs to know about a video file. */
export interface VideoInfo {
  /** Coded size of the stream as its header declares it (before rotation). */
  width: number;
  height: number;
  durationSeconds: number;
  videoCodec: string;
  hasAudio: boolean;
  /** Sample aspect ratio as ffprobe writes it (`1:1`, `4:3`, or `0:1` when unknown). */
  sar: string;
  /** Display rotation (degrees counter-clockwise, 0–359) from the display matrix, 0 when there is none. */
  rotation: number;
  /** The display matrix mirrors the picture. */
  mirrored: boolean;
}

/** Runs a tool to completion; rejects with the tail of its stderr when it exits non-zero. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    let err = '';
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else
        reject(
          new Error(
            `${command} exited with ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
    });
  });
}

/** Reads dimensions, rotation, pixel shape, duration, codec and whether there is audio, with ffprobe. */
export async function probeVideo(file: string): Promise<VideoInfo> {
  let stdout: Buffer;
  try {
    ({ stdout } = await runTool('ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      file,
    ]));
  } catch (err) {
    throw new HubError(`${file} is not a video ffmpeg can read (${(err as Error).message})`, 'unreadable', {
      cause: err,
    });
  }
  const parsed = JSON.parse(stdout.toString()) as {
    streams?: {
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      sample_aspect_ratio?: string;
      side_data_list?: Record<string, unknown>[];
    }[];
    format?: { duration?: string };
  };
  const video = parsed.streams?.find((s) => s.codec_type === 'video');
  if (!video?.width || !video.height) throw new HubError(`${file} has no video stream`, 'unreadable');
  return {
    width: video.width,
    height: video.height,
    durationSeconds: Number(parsed.format?.duration ?? 0),
    videoCodec: video.codec_name ?? 'unknown',
    hasAudio: parsed.streams?.some((s) => s.codec_type === 'audio') ?? false,
    sar: video.sample_aspect_ratio ?? '1:1',
    ...displayTransform(video.side_data_list),
  };
}

/**
 * The sizes of the video's keyframes — where a camera that changes its stream profile switches resolution.
 * Only keyframes are decoded, so this costs a small fraction of the transcode.
 */
export async function probeKeyframes(file: string): Promise<CodedGeometry[]> {
  const { stdout } = await runTool('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-skip_frame',
    'nokey',
    '-show_entries',
    'frame=width,height,sample_aspect_ratio',
    '-print_format',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout.toString()) as {
    frames?: { width?: number; height?: number; sample_aspect_ratio?: string }[];
  };
  const seen = new Map<string, CodedGeometry>();
  for (const f of parsed.frames ?? []) {
    if (!f.width || !f.height) continue;
    seen.set(`${f.width}x${f.height}@${f.sample_aspect_ratio}`, {
      width: f.width,
      height: f.height,
      sar: f.sample_aspect_ratio,
    });
  }
  return [...seen.values()];
}

/** Encoder settings for the burn-in transcode. */
export interface EncodeOptions {
  /** x264 preset; default chosen by output size from a measured table ({@link presetFor}). */
  preset?: string;
  crf?: number;
  /**
   * Use a hardware encoder when one works on this machine (default true); an {@link Encoder} uses that one
   * (tests use this to make a hardware encoder fail on a clip).
   */
  hardware?: boolean | Encoder;
}

/**
 * Writes `output`: the video of `input` with every privacy zone painted opaque black on every frame, as H.264
 * MP4 with the index at the front (`+faststart`) so a browser can start playing before the whole file
 * arrives. With no zones and an H.264 source the video is only remuxed. Audio, when present, is kept as AAC.
 *
 * With zones, every frame is first brought to one upright, square-pixel geometry ({@link planGeometry}) —
 * whatever size changes, rotation metadata or sample aspect ratio the input has — and the mask is laid on
 * that. ffmpeg must not rebuild its filter graph when the input changes size (`-reinit_filter 0`): a rebuilt
 * graph loses the single-frame mask input and lets frames through unmasked. The result is then decoded and
 * checked ({@link checkZonesBurnedIn}); a clip that fails, or whose geometry the hub cannot map, throws a
 * `HubError` (`invalid`) and nothing is written.
 */
export async function burnInZones(
  input: string,
  output: string,
  zones: readonly string[],
  options: EncodeOptions & { info?: VideoInfo; workDir: string; signal?: AbortSignal },
): Promise<void> {
  const info = options.info ?? (await probeVideo(input));
  const polygons = zones.map(parseZone);
  const audio = info.hasAudio ? ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '96k'] : ['-an'];
  const tail = ['-movflags', '+faststart', '-f', 'mp4', '-y', output];
  const run = (args: string[]) => runTool('ffmpeg', args, options.signal ? { signal: options.signal } : {});
  if (polygons.length === 0 && info.videoCodec === 'h264') {
    await run(['-v', 'error', '-i', input, '-map', '0:v:0', '-c:v', 'copy', ...audio, ...tail]);
    return;
  }
  const plan = planGeometry(info, info, await probeKeyframes(input));
  const preset = options.preset ?? presetTable.pick(plan.width, plan.height);
  const began = performance.now();
  const crf = options.crf ?? 23;
  const hardware =
    options.hardware === false
      ? SOFTWARE_ENCODER
      : typeof options.hardware === 'object'
        ? options.hardware
        : (await detectEncoder()).encoder;
  // ffmpeg copies the input's display matrix to the output even when it does not rotate the frames itself,
  // so a rotated input is first remuxed (no decoding) into Matroska, which carries no display matrix.
  let source = input;
  if (plan.rotation !== 0) {
    source = `${output}.upright.mkv`;
    await run(['-v', 'error', '-i', input, '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-y', source]);
  }
  const maskPath = `${output}.mask.pam`;
  try {
    const mask = rasteriseZones(polygons, plan.width, plan.height);
    if (polygons.length > 0) await writeFile(maskPath, maskToPam(mask, plan.width, plan.height));
    const encodeWith = (encoder: Encoder) => {
      const inputs = [...encoder.global, '-noautorotate', '-reinit_filter', '0', '-i', source];
      let graph = `[0:v:0]${plan.filters},format=yuv420p${encoder.tail}[v]`;
      if (polygons.length > 0) {
        inputs.push('-i', maskPath);
        graph = `[0:v:0]${plan.filters},format=yuv420p[base];[base][1:v]overlay=0:0:format=auto,format=yuv420p${encoder.tail}[v]`;
      }
      return run([
        '-v',
        'error',
        ...inputs,
        '-filter_complex',
        graph,
        '-map',
        '[v]',
        ...encoder.args(crf, preset),
        ...audio,
        ...tail,
      ]);
    };
    // A hardware encoder that worked at detection can still fail (device busy, size it cannot do): the
    // clip is then encoded in software rather than retried on the same failing device.
    const used = await encodeWith(hardware).then(
      () => hardware,
      async (err: unknown) => {
        if (hardware === SOFTWARE_ENCODER || options.signal?.aborted) throw err;
        await encodeWith(SOFTWARE_ENCODER);
        return SOFTWARE_ENCODER;
      },
    );
    if (used === SOFTWARE_ENCODER && !options.preset) {
      presetTable.record(
        plan.width,
        plan.height,
        preset,
        info.durationSeconds,
        (performance.now() - began) / 1000,
      );
    }
    if (polygons.length > 0) {
      const out = await probeVideo(output);
      if (out.width !== plan.width || out.height !== plan.height || out.rotation !== 0) {
        throw new HubError(
          `${ZONES_NOT_GUARANTEED}: the burnt-in video is ${out.width}×${out.height} rotated ${out.rotation}°, not the planned upright ${plan.width}×${plan.height}`,
          'invalid',
        );
      }
      await checkZonesBurnedIn(output, mask, plan.width, plan.height, options.signal);
    }
  } catch (err) {
    // A video that failed its zone check must not be picked up by anyone; other failures are retried and
    // the retry overwrites the output (removing it here would also hide a full disk's symptom from the owner).
    if (err instanceof HubError) await rm(output, { force: true });
    throw err;
  } finally {
    await rm(maskPath, { force: true });
    if (source !== input) await rm(source, { force: true });
  }
}

/**
 * Records `seconds` of an RTSP stream into an MP4 without re-encoding (the zones are burned in later, as for
 * any other clip). Video only: camera audio is often G.711, which MP4 cannot carry. TCP transport, because UDP
 * loses packets on busy home Wi-Fi.
 */
export async function captureRtsp(url: string, seconds: number, output: string): Promise<void> {
  try {
    await runTool(
      'ffmpeg',
      [
        '-v',
        'error',
        '-rtsp_transport',
        'tcp',
        '-i',
        url,
        '-t',
        String(seconds),
        '-map',
        '0:v:0',
        '-an',
        '-c:v',
        'copy',
        '-f',
        'mp4',
        '-y',
        output,
      ],
      { timeoutMs: (seconds + 30) * 1000 },
    );
  } catch (err) {
    // ffmpeg echoes the URL, password included, in its errors.
    let message = (err as Error).message.split(url).join(redactUrl(url));
    const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
    if (password) message = message.split(password).join('***');
    throw new HubError(`could not record from ${redactUrl(url)}: ${message}`, 'unreadable', {
      cause: err,
    });
  }
}

/** A URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
