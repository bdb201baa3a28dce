import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { MEDIA_LIMITS } from './media.limits.js';

const run = promisify(execFile);

/** A re-encoded photo: the image to show and its thumbnail, both JPEG with no metadata at all. */
export interface ProcessedImage {
  image: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
}

/** Why a file could not be used, in words for the person who uploaded it. */
export class UnreadableMedia extends Error {}

/**
 * Decodes a photo and encodes a new JPEG from its pixels: turned upright by its EXIF orientation, then every
 * piece of metadata (EXIF with GPS, XMP, IPTC, ICC comments) is left behind, because only pixels are carried
 * over. The long edge is capped; transparency is flattened onto white.
 */
export async function processImage(input: Buffer): Promise<ProcessedImage> {
  let upright: Sharp;
  try {
    upright = sharp(input, { failOn: 'error', limitInputPixels: 100_000_000 }).rotate();
    const meta = await upright.metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
  } catch (err) {
    throw new UnreadableMedia(`the image could not be decoded (${(err as Error).message})`);
  }
  const encode = (edge: number, quality: number) =>
    upright
      .clone()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
  try {
    const [full, thumb] = await Promise.all([
      encode(MEDIA_LIMITS.imageLongEdge, 85),
      encode(MEDIA_LIMITS.thumbLongEdge, 75),
    ]);
    return { image: full.data, thumbnail: thumb.data, width: full.info.width, height: full.info.height };
  } catch (err) {
    throw new UnreadableMedia(`the image could not be decoded (${(err as Error).message})`);
  }
}

/** What ffprobe says about a video file. */
export interface VideoProbe {
  durationMs: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

/** Reads a video's duration and first video stream; a file ffprobe cannot read, or with no video, is refused. */
export async function probeVideo(file: string): Promise<VideoProbe> {
  let out: string;
  try {
    ({ stdout: out } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', file],
      { maxBuffer: 1 << 20 },
    ));
  } catch {
    throw new UnreadableMedia('the video could not be read (it may be damaged or not a video)');
  }
  const json = JSON.parse(out) as {
    format?: { duration?: string };
    streams?: { codec_type?: string; width?: number; height?: number }[];
  };
  const video = json.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  const duration = Number(json.format?.duration);
  if (!video || !Number.isFinite(duration) || duration <= 0)
    throw new UnreadableMedia('the file has no playable video stream');
  return {
    durationMs: Math.round(duration * 1000),
    width: video.width!,
    height: video.height!,
    hasAudio: json.streams?.some((s) => s.codec_type === 'audio') ?? false,
  };
}

/**
 * Transcodes to MP4 (H.264 + AAC) that starts playing before it has all arrived (`+faststart`), fits in
 * 1280×720 and carries no metadata: global, stream and chapter metadata (creation time, device, GPS/location
 * atoms such as ©xyz) are dropped with `-map_metadata -1`, and `+bitexact` keeps ffmpeg's own encoder tag out.
 * Also writes a JPEG poster frame (from the transcoded video, so it has no metadata either).
 */
export async function transcodeVideo(
  input: string,
  output: string,
  poster: string,
  probe: VideoProbe,
): Promise<void> {
  const { videoWidth: w, videoHeight: h } = MEDIA_LIMITS;
  const fit =
    `scale='min(${w},iw)':'min(${h},ih)':force_original_aspect_ratio=decrease,` +
    'scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1';
  try {
    await run(
      'ffmpeg',
      [
        ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', input],
        ...['-map', '0:v:0', ...(probe.hasAudio ? ['-map', '0:a:0'] : [])],
        ...['-t', String(MEDIA_LIMITS.videoSeconds)],
        ...['-map_metadata', '-1', '-map_chapters', '-1', '-sn', '-dn'],
        ...['-vf', fit, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p'],
        ...(probe.hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
        ...['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'],
        ...['-movflags', '+faststart', '-f', 'mp4', output],
      ],
      { maxBuffer: 4 << 20 },
    );
  } catch (err) {
    throw new UnreadableMedia(`the video could not be converted (${lastLine(err)})`);
  }
  const at = Math.min(1, probe.durationMs / 2000).toFixed(2);
  const edge = MEDIA_LIMITS.thumbLongEdge;
  try {
    await run(
      'ffmpeg',
      [
        ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-ss', at, '-i', output],
        ...['-frames:v', '1', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact'],
        ...['-vf', `scale='min(${edge * 2},iw)':-2`, '-q:v', '4', '-f', 'image2', poster],
      ],
      { maxBuffer: 4 << 20 },
    );
  } catch (err) {
    throw new UnreadableMedia(`no poster frame could be taken (${lastLine(err)})`);
  }
}

function lastLine(err: unknown): string {
  const raw = (err as { stderr?: unknown }).stderr;
  const stderr = typeof raw === 'string' ? raw.trim() : '';
  return stderr.split('\n').at(-1)?.slice(0, 200) || 'ffmpeg failed';
}
