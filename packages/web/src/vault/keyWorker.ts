/*
 * A short-lived worker for the vault's slow key operations. age's scrypt wrap takes seconds by design (that
 * is what makes a stolen wrapped key hard to guess) and would freeze the page if run on its main thread.
 * The page starts one worker per operation and terminates it after the answer, so no secret stays here.
 */
import { generateIdentity, identityToRecipient, unwrapIdentity, wrapIdentity } from '@porchlight/age';
import type { KeyReply, KeyRequest } from './keyWork';

async function perform(request: KeyRequest): Promise<KeyReply> {
  switch (request.op) {
    case 'generate':
      return { ok: true, ...(await generateIdentity()) };
    case 'wrap':
      return { ok: true, armored: await wrapIdentity(request.identity, request.secret) };
    case 'unwrap': {
      const identity = await unwrapIdentity(request.armored, request.secret);
      return { ok: true, identity, recipient: await identityToRecipient(identity) };
    }
  }
}

self.onmessage = (event: MessageEvent<KeyRequest>) => {
  perform(event.data)
    .catch((err: unknown): KeyReply => ({
      ok: false,
      error: err instanceof Error ? err.message : String(err),
    }))
    .then((reply) => {
      self.postMessage(reply);
    })
    .catch(() => undefined);
};
