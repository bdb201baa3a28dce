/// <reference lib="webworker" />
import { detectClip } from './detect';
import type { RedactReply, RedactRequest } from './protocol';
import { renderRedacted } from './render';

/**
 * The redaction worker: detection and rendering run here, off the page's thread, on the decrypted clip the
 * page hands over. Nothing leaves the device from here; the only network request is the detector's weights.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const reply = (message: RedactReply) => {
  scope.postMessage(message);
};

scope.onmessage = async (event: MessageEvent<RedactRequest>) => {
  const job = event.data;
  try {
    if (job.type === 'detect') {
      const found = await detectClip(job.clip, job.interval, (fraction) => {
        reply({ type: 'progress', fraction, stage: 'Looking for faces and plates' });
      });
      reply({ type: 'detected', ...found });
    } else {
      const outcome = await renderRedacted(
        job.clip,
        job.redaction,
        (fraction) => {
          reply({ type: 'progress', fraction, stage: 'Rendering the redacted copy' });
        },
        new AbortController().signal,
      );
      reply({ type: 'rendered', ...outcome });
    }
  } catch (err) {
    reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
