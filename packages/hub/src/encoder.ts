import { access, readdir } from 'node:fs/promises';
import { runTool } from './ffmpeg.js';

/** The H.264 encoders the hub can use for the burn-in: a hardware one when present, else libx264. */
export type EncoderName = 'h264_vaapi' | 'h264_qsv' | 'h264_nvenc' | 'h264_v4l2m2m' | 'libx264';

/** An encoder that was found to work on this machine, with what ffmpeg needs to use it. */
export interface Encoder {
  name: EncoderName;
  /** Global options before the inputs (e.g. the VAAPI render node). */
  global: string[];
  /** Filters appended to the graph's last chain (e.g. upload to GPU memory). */
  tail: string;
  /** Output codec options for a quality level `crf` (0–51, x264's scale). */
  args(crf: number, preset: string): string[];
}

/** x264 presets the hub moves between, fastest first. */
const PRESETS = ['ultrafast', 'superfast', 'veryfast'] as const;

/** Size class of an output: 720p and below, up to 1080p, above. */
const sizeClass = (width: number, height: number) =>
  width * height <= 1280 * 720 ? 'hd' : width * height <= 1920 * 1088 ? 'fhd' : 'uhd';

/**
 * The starting libx264 preset by output size, from the relative costs measured in
 * bench/results/hub-pipeline.md (`veryfast` costs ~3–5× `ultrafast` at 720p/1080p; 4K needs the fastest).
 */
export function presetFor(width: number, height: number): string {
  return { hd: 'veryfast', fhd: 'superfast', uhd: 'ultrafast' }[sizeClass(width, height)];
}

/**
 * The preset table this hub actually uses, measured on its own hardware as it works: after each burn-in the
 * speed (seconds of video per second of work) moves that size's preset one step faster when the burn-in ran
 * slower than real time ×1.2, and one step slower (better compression) when it ran faster than 4× real time.
 * A fixed table cannot know whether it runs on a desktop or a Raspberry Pi, or how busy the machine is.
 */
export class PresetTable {
  private readonly chosen = new Map<string, number>();

  pick(width: number, height: number): string {
    const key = sizeClass(width, height);
    const i = this.chosen.get(key) ?? PRESETS.indexOf(presetFor(width, height) as (typeof PRESETS)[number]);
    return PRESETS[i]!;
  }

  /** Records one burn-in of `mediaSeconds` of video that took `wallSeconds`. */
  record(width: number, height: number, preset: string, mediaSeconds: number, wallSeconds: number): void {
    const i = PRESETS.indexOf(preset as (typeof PRESETS)[number]);
    if (i < 0 || mediaSeconds <= 0 || wallSeconds <= 0) return;
    const speed = mediaSeconds / wallSeconds;
    const next = speed < 1.2 ? Math.max(0, i - 1) : speed > 4 ? Math.min(PRESETS.length - 1, i + 1) : i;
    this.chosen.set(sizeClass(width, height), next);
  }
}

/** The process-wide table the burn-in uses when the config sets no preset. */
export const presetTable = new PresetTable();

const X264: Encoder = {
  name: 'libx264',
  global: [],
  tail: '',
  args: (crf, preset) => ['-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p'],
};

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Hardware encoders worth trying on this machine (their device nodes exist), in order of preference. */
async function candidates(dev: string): Promise<Encoder[]> {
  const dri = await readdir(`${dev}/dri`).catch(() => [] as string[]);
  const render = dri.find((d) => d.startsWith('renderD'));
  const video = await readdir(dev).then(
    (d) => d.filter((n) => /^video\d+$/.test(n)),
    () => [] as string[],
  );
  const out: Encoder[] = [];
  if (await exists(`${dev}/nvidia0`)) {
    out.push({
      name: 'h264_nvenc',
      global: [],
      tail: '',
      args: (crf) => [
        '-c:v',
        'h264_nvenc',
        '-preset',
        'p4',
        '-rc',
        'vbr',
        '-cq',
        String(crf),
        '-pix_fmt',
        'yuv420p',
      ],
    });
  }
  if (render) {
    out.push({
      name: 'h264_vaapi',
      global: ['-vaapi_device', `${dev}/dri/${render}`],
      tail: ',format=nv12,hwupload',
      args: (crf) => ['-c:v', 'h264_vaapi', '-qp', String(crf)],
    });
    out.push({
      name: 'h264_qsv',
      global: [],
      tail: ',format=nv12',
      args: (crf) => ['-c:v', 'h264_qsv', '-global_quality', String(crf)],
    });
  }
  if (video.length > 0) {
    // Raspberry Pi and other SoCs: a stateful V4L2 memory-to-memory encoder; no constant-quality mode.
    out.push({
      name: 'h264_v4l2m2m',
      global: [],
      tail: ',format=yuv420p',
      args: () => ['-c:v', 'h264_v4l2m2m', '-b:v', '6M'],
    });
  }
  return out;
}

/** What detection found, for the log. */
export interface EncoderChoice {
  encoder: Encoder;
  /** Hardware encoders tried and why each was not used. */
  tried: string[];
}

let detected: Promise<EncoderChoice> | undefined;

/**
 * Finds the encoder for the burn-in, once per process: each hardware encoder whose device exists is tried
 * with a real half-second encode (the ffmpeg build lists VAAPI, QSV, NVENC and V4L2 M2M whether or not the
 * hardware is there); the first that works is used, else libx264. Never required: no hardware is normal.
 * Whatever encodes, the hub still decodes the result and checks every frame's zones before it is kept.
 */
export function detectEncoder(options: { devRoot?: string } = {}): Promise<EncoderChoice> {
  if (options.devRoot) return detect(options.devRoot);
  detected ??= detect('/dev');
  return detected;
}

/** Tries each hardware encoder whose device node exists under `dev`; libx264 when none works. */
async function detect(dev: string): Promise<EncoderChoice> {
  const tried: string[] = [];
  for (const encoder of await candidates(dev)) {
    try {
      await runTool(
        'ffmpeg',
        [
          '-v',
          'error',
          ...encoder.global,
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=320x240:rate=10:duration=0.5',
          '-vf',
          `format=yuv420p${encoder.tail}`,
          ...encoder.args(23, 'medium'),
          '-f',
          'null',
          '-',
        ],
        { timeoutMs: 15_000 },
      );
      return { encoder, tried };
    } catch (err) {
      tried.push(`${encoder.name}: ${(err as Error).message.split('|').pop()?.trim() ?? 'failed'}`);
    }
  }
  return { encoder: X264, tried };
}

/** libx264, for callers that ask for software encoding explicitly. */
export const SOFTWARE_ENCODER = X264;
