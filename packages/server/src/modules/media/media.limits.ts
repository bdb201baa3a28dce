/** Limits on post photos and video; the README's "Photos and video in posts" states the same numbers. */
export const MEDIA_LIMITS = {
  imageBytes: 15 * 1024 * 1024,
  videoBytes: 200 * 1024 * 1024,
  videoSeconds: 180,
  perPost: 4,
  /** A photo's long edge after re-encoding, in pixels. */
  imageLongEdge: 2048,
  /** A thumbnail's (and a video poster's) long edge. */
  thumbLongEdge: 480,
  /** A transcoded video fits in this box (720p). */
  videoWidth: 1280,
  videoHeight: 720,
} as const;

/** The MIME types the composer may declare; the bytes must then agree (see media.sniff.ts). */
export const MEDIA_TYPES: Record<string, 'image' | 'video'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/heic': 'image',
  'image/heif': 'image',
  'video/mp4': 'video',
  'video/quicktime': 'video',
  'video/webm': 'video',
};

export const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
