/**
 * `@porchlight/redact`: the redaction description that the hub (ffmpeg) and the owner's browser (WebCodecs) both
 * render — trim, blurred boxes over time, whole-frame blur, mute — with validation, interpolation, tracking of
 * detections, the owner's edits and the manifest summary. Browser-safe: no Node APIs. Detection only: nothing
 * here identifies or compares faces.
 */
export * from './description.js';
export * from './validate.js';
export * from './timeline.js';
export * from './tracker.js';
export * from './edits.js';
export * from './summary.js';
export * from './ffmpeg-graph.js';
export * from './face-detector.js';
export * from './haar.js';
export * from './plates.js';
