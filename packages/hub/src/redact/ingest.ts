import {
  DEFAULT_PADDING,
  emptyRedaction,
  summarise,
  type BlurKind,
  type RedactionSummary,
  type Track,
} from '@porchlight/redact';
import type { HubFileConfig } from '../config.js';
import type { ClipRecord } from '../journal.js';
import type { AfterZones } from '../pipeline.js';
import { faceTracks } from './faces.js';
import { plateTracks } from './plates.js';
import { renderRedaction, type RenderOptions } from './render.js';

/** A camera's auto-blur setting: which boxes to blur at ingest, and how. */
export interface AutoBlurSettings {
  faces: boolean;
  plates: boolean;
  blur: BlurKind;
  padding?: number;
}

/**
 * The ingest hook for a camera with auto-blur on: blurs the faces and/or plates in `tracks` (e.g. from
 * {@link frigateTracks}) into `output`, after the zones are burned in and before encryption, and returns the
 * summary for the clip's record. Returns `null` — and writes nothing — when there is nothing to blur, so the
 * zoned file goes on unchanged and is not re-encoded a second time for nothing.
 */
export async function autoBlurAtIngest(
  input: string,
  output: string,
  tracks: readonly Track[],
  settings: AutoBlurSettings,
  options: RenderOptions = {},
): Promise<RedactionSummary | null> {
  const wanted = tracks.filter(
    (t) => (t.kind === 'face' && settings.faces) || (t.kind === 'plate' && settings.plates),
  );
  if (wanted.length === 0) return null;
  const redaction = {
    ...emptyRedaction(),
    blur: settings.blur,
    padding: settings.padding ?? DEFAULT_PADDING,
    tracks: [...wanted],
  };
  await renderRedaction(input, output, redaction, options);
  return summarise(redaction);
}

/**
 * The hub's `afterZones` step for auto-blur: for a clip whose camera has auto-blur settings, looks up the boxes
 * to hide (`tracksFor`, e.g. Frigate's face/plate boxes during the clip via {@link frigateTracks}) and renders
 * the blurred copy to `output`. Says `false` — the zoned clip goes on unchanged — when the camera has auto-blur
 * off or nothing was found.
 */
export function autoBlurStep(
  settingsFor: (cameraId: string) => AutoBlurSettings | undefined,
  tracksFor: (
    record: ClipRecord,
    input: string,
    settings: AutoBlurSettings,
    signal?: AbortSignal,
  ) => Promise<readonly Track[]>,
): AfterZones {
  return async (record, input, output, signal) => {
    const settings = settingsFor(record.cameraId);
    if (!settings) return false;
    const summary = await autoBlurAtIngest(
      input,
      output,
      await tracksFor(record, input, settings, signal),
      settings,
      signal ? { signal } : {},
    );
    return summary !== null;
  };
}

/**
 * The hub's auto-blur from its config file: for a camera listed under `autoBlur`, the faces (`faceTracks`) and
 * licence plates (`plateTracks`) the hub's own detectors find in the zoned clip are blurred before encryption.
 * `config` is read per clip, so a reloaded config applies to the next clip.
 */
export function configuredAutoBlur(config: () => HubFileConfig): AfterZones {
  const sampling = new Map<string, number | undefined>();
  return autoBlurStep(
    (cameraId) => {
      const c = config().autoBlur?.[cameraId];
      if (!c) return undefined;
      sampling.set(cameraId, c.sampleFps);
      return {
        faces: c.faces === true,
        plates: c.plates === true,
        blur: c.blur ?? 'pixelate',
        ...(c.padding === undefined ? {} : { padding: c.padding }),
      };
    },
    async (record, input, settings, signal) => {
      const sampleFps = sampling.get(record.cameraId);
      const scan = { ...(sampleFps === undefined ? {} : { sampleFps }), ...(signal ? { signal } : {}) };
      const faces = settings.faces ? await faceTracks(input, scan) : [];
      const plates = settings.plates ? (await plateTracks(input, scan)).tracks : [];
      return [...faces, ...plates];
    },
  );
}
