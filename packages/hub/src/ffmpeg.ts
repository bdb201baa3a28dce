import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { HubError } from './errors.js';
import { maskToPam, parseZone, rasteriseZones } from './zones.js';

/** What the hub needs to know about a video file. */
export interface VideoInfo {
  width: number;
  height: number;
  durationSeconds: number;
  videoCodec: string;
  hasAudio: boolean;
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

/** Reads dimensions, duration, codec and whether there is audio, with ffprobe. */
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
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
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
  };
}

/** Encoder settings for the burn-in transcode. */
export interface EncodeOptions {
  /** x264 preset; `veryfast` keeps a Raspberry-Pi-class hub near real time. */
  preset?: string;
  crf?: number;
}

/**
 * Writes `output`: the video of `input` with every privacy zone painted opaque black, as H.264 MP4 with the
 * index at the front (`+faststart`) so a browser can start playing before the whole file arrives. With no
 * zones and an H.264 source the video is only remuxed. Audio, when present, is kept as AAC.
 */
export async function burnInZones(
  input: string,
  output: string,
  zones: readonly string[],
  options: EncodeOptions & { info?: VideoInfo; workDir: string },
): Promise<void> {
  const info = options.info ?? (await probeVideo(input));
  const polygons = zones.map(parseZone);
  const audio = info.hasAudio ? ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '96k'] : ['-an'];
  const tail = ['-movflags', '+faststart', '-f', 'mp4', '-y', output];
  if (polygons.length === 0 && info.videoCodec === 'h264') {
    await runTool('ffmpeg', ['-v', 'error', '-i', input, '-map', '0:v:0', '-c:v', 'copy', ...audio, ...tail]);
    return;
  }
  const encode = [
    '-c:v',
    'libx264',
    '-preset',
    options.preset ?? 'veryfast',
    '-crf',
    String(options.crf ?? 23),
    '-pix_fmt',
    'yuv420p',
  ];
  if (polygons.length === 0) {
    await runTool('ffmpeg', ['-v', 'error', '-i', input, '-map', '0:v:0', ...encode, ...audio, ...tail]);
    return;
  }
  const maskPath = `${output}.mask.pam`;
  await writeFile(
    maskPath,
    maskToPam(rasteriseZones(polygons, info.width, info.height), info.width, info.height),
  );
  try {
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-i',
      input,
      '-i',
      maskPath,
      '-filter_complex',
      '[0:v:0][1:v]overlay=0:0:format=auto,format=yuv420p[v]',
      '-map',
      '[v]',
      ...encode,
      ...audio,
      ...tail,
    ]);
  } finally {
    await rm(maskPath, { force: true });
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
