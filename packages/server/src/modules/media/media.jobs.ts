import type { JobDefinition } from '../../infra/jobs/index.js';
import { MEDIA_PURGE_JOB, MEDIA_TRANSCODE_JOB, type MediaService } from './media.service.js';

/** Video transcodes (enqueued with the upload's media row) and the hourly sweep of unused media and blobs. */
export function mediaJobs(media: MediaService): JobDefinition[] {
  return [
    {
      kind: MEDIA_TRANSCODE_JOB,
      title: 'post video transcoded',
      run: async (payload, log) => media.transcode(String((payload as { mediaId?: unknown }).mediaId), log),
    },
    {
      kind: MEDIA_PURGE_JOB,
      title: 'unused post media and deleted posts’ media removed',
      every: 3_600_000,
      run: async (_payload, log) => media.purge(log),
    },
  ];
}
