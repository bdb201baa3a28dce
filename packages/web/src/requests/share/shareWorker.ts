/*
 * The disclosure crypto pipeline, off the page's main thread: it decrypts the owner's vault clip chunk by
 * chunk (ranged reads of the stored ciphertext) — or reads a redacted copy the page made — and encrypts each
 * chunk to the agency's verified recipients. It holds at most one batch of chunks, so memory stays near 2 MiB for any clip size. The page
 * terminates the worker when the upload ends, and the vault identity and the new file key go with it.
 */
import { openClip } from '../../vault/sw/clipSource';
import type { ShareReply, ShareRequest, ShareSource } from './protocol';
import { fileReader, reencrypt, type ClipReader, type Reencryption } from './reencrypt';

let current: Reencryption | null = null;

const reply = (message: ShareReply, transfer: Transferable[] = []): void => {
  (self as unknown as Worker).postMessage(message, transfer);
};

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const open = (source: ShareSource): Promise<ClipReader> =>
  source.kind === 'vault'
    ? openClip(source.clipId, source.identity)
    : Promise.resolve(fileReader(source.file));

async function handle(request: ShareRequest): Promise<void> {
  switch (request.op) {
    case 'prepare': {
      current = await reencrypt(await open(request.source), request.recipients);
      const digest = await current.digest((done, total) => {
        reply({ op: 'progress', done, total });
      });
      reply({ op: 'prepared', digest });
      return;
    }
    case 'slice': {
      if (!current) throw new Error('nothing prepared to upload');
      const bytes = await current.slice(request.start, request.end);
      const buffer = bytes.buffer as ArrayBuffer;
      reply({ op: 'slice', id: request.id, bytes: buffer }, [buffer]);
      return;
    }
  }
}

self.onmessage = (event: MessageEvent<ShareRequest>) => {
  const request = event.data;
  handle(request).catch((err: unknown) => {
    reply({ op: 'error', ...(request.op === 'slice' && { id: request.id }), error: reason(err) });
  });
};
