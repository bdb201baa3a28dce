import client from 'prom-client';
import type { ClipsService } from './clips.service.js';

/**
 * `porchlight_clip_ciphertext_missing_total`: clip downloads that found the ciphertext gone from the blob store.
 * Any increase means lost data (a disk, a bucket rule, a hand-deleted file) that the operator must look into.
 */
export function registerClipMetrics(registry: client.Registry, clips: ClipsService): void {
  new client.Counter({
    name: 'porchlight_clip_ciphertext_missing_total',
    help: 'Clip downloads whose ciphertext was missing from the blob store (lost data: restore from backup)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(clips.missingCiphertext);
    },
  });
}
