import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api } from '../../api/client';
import { call } from '../../api/problem';
import type { PasskeyAssertion, PasskeyAttestation, SecondFactorProof } from './types';

type RegistrationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];

// The browser's JSON has exactly the API schema's fields; only its extension-results type is narrower.
const assertion = (r: Awaited<ReturnType<typeof startAuthentication>>) => r as unknown as PasskeyAssertion;

/** Creates a passkey in the browser for the server's options and registers it under `name`. */
export async function addPasskey(name: string) {
  const options = await call(api.POST('/api/me/second-factors/passkeys/options'));
  const created = await startRegistration({ optionsJSON: options as unknown as RegistrationOptions });
  const response = created as unknown as PasskeyAttestation;
  return call(api.POST('/api/me/second-factors/passkeys', { body: { name, response } }));
}

/** Answers the pending sign-in's second step with a passkey. */
export async function signInWithPasskey() {
  const options = await call(api.POST('/api/auth/second-factor/passkey-options'));
  const passkey = assertion(await startAuthentication({ optionsJSON: options }));
  return call(api.POST('/api/auth/second-factor', { body: { passkey } }));
}

/** A passkey proof for a sensitive change while signed in (removing a factor, deleting the account). */
export async function provePasskey(): Promise<SecondFactorProof> {
  const options = await call(api.POST('/api/me/second-factors/challenge'));
  return { passkey: assertion(await startAuthentication({ optionsJSON: options })) };
}
