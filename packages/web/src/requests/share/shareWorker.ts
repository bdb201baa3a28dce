/*
 * The disclosure crypto pipeline, off the page's main thread: it decrypts the owner's vault clip chunk by
 * chunk (ranged reads of the stored ciphertext) — or reads a redacted copy the page made — and encrypts each
 * chunk to the agency's verified recipients. It holds at most one batch of chunks, so memory stays near 2 MiB for any clip size. The page
 * terminates the worker when the upload ends, and the vault identity and the new file key go with it. The file
 * key leaves the worker only sealed to the owner's own recipient (`keptKey`), so a reload can resume the upload.
 */
import { createKeptEncryptor, resumeKeptEncryptor } from '@porchlight/age';
import { openClip } from '../../vault/sw/clipSource';
import type { ShareReply, ShareRequest, ShareSource } from './protocol';
import { fileReader, reencryptWith, type ClipReader, type Reencryption } from './reencrypt';

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
      if (request.recipients.length === 0) throw new Error('no recipients to encrypt to');
      const clip = await open(request.source);
      const { writer, keptKey } = await createKeptEncryptor(request.recipients, [request.keeper]);
      current = reencryptWith(clip, writer);
      const digest = await current.digest((done, total) => {
        reply({ op: 'progress', done, total });
      });
      reply({ op: 'prepared', digest, head: writer.head.slice(), keptKey });
      return;
    }
    case 'resume': {
      const identities = request.source.identity.split('\n').filter((line) => line.trim() !== '');
      const writer = await resumeKeptEncryptor(request.head, request.keptKey, identities);
      const clip = await open(request.source);
      current = reencryptWith(clip, writer);
      // The clip must be the one the stored file was made of: a different size cannot continue its bytes.
      if (current.size !== request.ciphertextBytes) throw new Error('the clip no longer matches this share');
      reply({ op: 'resumed' });
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
