/** Requests to the key worker (see keyWorker.ts). */
export type KeyRequest =
  | { op: 'generate' }
  | { op: 'wrap'; identity: string; secret: string }
  | { op: 'unwrap'; armored: string; secret: string };

export type KeyReply =
  { ok: true; identity?: string; recipient?: string; armored?: string } | { ok: false; error: string };

/** A key operation failed; `message` is age's short lowercase reason, e.g. `wrong passphrase`. */
export class KeyWorkError extends Error {}

/**
 * Runs one key operation in a fresh worker, off the page's main thread, and terminates the worker when it
 * answers — the passphrase and identity pass through it but do not stay.
 */
export function inKeyWorker(request: KeyRequest): Promise<Extract<KeyReply, { ok: true }>> {
  const worker = new Worker(new URL('./keyWorker.ts', import.meta.url), {
    type: 'module',
    name: 'vault-keys',
  });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<KeyReply>) => {
      worker.terminate();
      const reply = event.data;
      if (reply.ok) resolve(reply);
      else reject(new KeyWorkError(reply.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new KeyWorkError(event.message || 'the key worker failed to start'));
    };
    worker.postMessage(request);
  });
}

/** A fresh age identity and its recipient. */
export async function generateInWorker(): Promise<{ identity: string; recipient: string }> {
  const { identity, recipient } = await inKeyWorker({ op: 'generate' });
  if (!identity || !recipient) throw new KeyWorkError('no identity generated');
  return { identity, recipient };
}

/** The identity wrapped under `secret` (age scrypt, armored). */
export async function wrapInWorker(identity: string, secret: string): Promise<string> {
  const { armored } = await inKeyWorker({ op: 'wrap', identity, secret });
  if (!armored) throw new KeyWorkError('nothing wrapped');
  return armored;
}

/** The identity inside `armored`, and the recipient it belongs to. */
export async function unwrapInWorker(
  armored: string,
  secret: string,
): Promise<{ identity: string; recipient: string }> {
  const { identity, recipient } = await inKeyWorker({ op: 'unwrap', armored, secret });
  if (!identity || !recipient) throw new KeyWorkError('nothing unwrapped');
  return { identity, recipient };
}
