import type { Backend } from './backend.js';
import { AgeError } from './errors.js';
import { parseHeaderBytes, type Header } from './header.js';
import { openSession, type Session } from './keys.js';
import { ByteQueue } from './queue.js';
import { CHUNK_SIZE, PAYLOAD_NONCE_SIZE, SEALED_CHUNK_SIZE, openChunk, sealChunk } from './stream.js';

/**
 * Plaintext → age file. Holds at most one chunk plus the latest write: a chunk is only sealed once a later byte
 * proves it is not the last.
 */
export function encryptTransform(
  backend: Backend,
  session: Session,
): TransformStream<Uint8Array, Uint8Array> {
  const queue = new ByteQueue();
  const key = session.key;
  let index = 0;
  return new TransformStream({
    start(controller) {
      controller.enqueue(session.head);
    },
    transform(bytes, controller) {
      queue.push(bytes);
      while (queue.length > CHUNK_SIZE) {
        controller.enqueue(sealChunk(backend, key, index++, queue.take(CHUNK_SIZE), false));
      }
    },
    flush(controller) {
      controller.enqueue(sealChunk(backend, key, index, queue.take(queue.length), true));
    },
  });
}

/**
 * Age file → plaintext. Buffers the header (capped), then one sealed chunk at a time; plaintext of a chunk is only
 * released after its tag verifies, and the stream errors with {@link AgeError} on any fault.
 */
export function decryptTransform(
  backend: Backend,
  unlock: (header: Header) => Uint8Array,
): TransformStream<Uint8Array, Uint8Array> {
  const queue = new ByteQueue();
  let key: Uint8Array | undefined;
  let index = 0;
  const drain = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    while (queue.length > SEALED_CHUNK_SIZE) {
      controller.enqueue(openChunk(backend, key!, index++, queue.take(SEALED_CHUNK_SIZE), false));
    }
  };
  const readHead = (): void => {
    const bytes = queue.peekAll();
    const header = parseHeaderBytes(bytes);
    if (!header || bytes.length < header.length + PAYLOAD_NONCE_SIZE) return;
    key = openSession(header, bytes, unlock(header)).key;
    queue.take(header.length + PAYLOAD_NONCE_SIZE);
  };
  return new TransformStream({
    transform(bytes, controller) {
      queue.push(bytes);
      if (!key) readHead();
      if (key) drain(controller);
    },
    flush(controller) {
      if (!key) {
        const header = parseHeaderBytes(queue.peekAll());
        throw new AgeError(header ? 'truncated payload nonce' : 'truncated header');
      }
      if (queue.length === 0 && index === 0) throw new AgeError('missing final chunk');
      controller.enqueue(openChunk(backend, key, index, queue.take(queue.length), true));
    },
  });
}
