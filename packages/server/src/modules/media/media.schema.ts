import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { RedactionSummarySchema } from '../disclosures/disclosures.schema.js';

export const MEDIA_ID_PATTERN = '^me_[A-Za-z0-9_-]{22}$';

export const MediaId = Type.String({
  pattern: MEDIA_ID_PATTERN,
  description: 'A post photo or video id (me_…)',
});

export const MediaParams = Obj({ id: MediaId });

export const PostMediaSchema = Obj(
  {
    id: MediaId,
    kind: Type.Union([Type.Literal('image'), Type.Literal('video')]),
    status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')], {
      description:
        'A video is processing until its transcode is done; failed ones are shown to their author only',
    }),
    url: Type.String({ description: 'The re-encoded photo (JPEG) or video (MP4, Range supported)' }),
    thumbnailUrl: Type.String({
      description: 'A small JPEG: the photo’s thumbnail or the video’s poster frame',
    }),
    width: Type.Union([Type.Integer(), Type.Null()]),
    height: Type.Union([Type.Integer(), Type.Null()]),
    durationMs: Type.Union([Type.Integer(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why processing failed (author only)' }),
    redaction: Type.Union([RedactionSummarySchema, Type.Null()], {
      description:
        'What the owner’s redaction step did before posting (trim, boxes by kind, blur, mute); null when posted as recorded',
    }),
  },
  { description: 'A photo or video in a post: public plaintext, re-encoded without metadata' },
);

export const MediaBody = {
  content: {
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    'video/mp4': { schema: { type: 'string', format: 'binary' } },
  },
} as const;
