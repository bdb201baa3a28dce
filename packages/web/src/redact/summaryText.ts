import type { RedactionSummary } from '@porchlight/redact';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The summary in words, as the owner sees it before sharing and as a manifest reader would read it. */
export function describeSummary(s: RedactionSummary): string {
  const parts = [
    `${plural(s.regions.face, 'face', 'faces')}, ${plural(s.regions.plate, 'plate', 'plates')} and ${plural(s.regions.manual, 'other box', 'other boxes')} ${s.blur === 'solid' ? 'blacked out' : s.blur === 'pixelate' ? 'pixelated' : 'blurred'}`,
  ];
  if (s.frameBlurSeconds > 0) parts.push(`whole picture blurred for ${s.frameBlurSeconds} s`);
  parts.push(s.trimmed ? `kept ${s.trimmed.start.toFixed(1)}–${s.trimmed.end.toFixed(1)} s` : 'not trimmed');
  parts.push(s.muted ? 'sound removed' : 'sound kept');
  return `${parts.join('; ')}.`;
}
