import { createPorchlightClient, isProblem, type PorchlightClient } from '@porchlight/api-client';
import { HubError, REVOKED_MESSAGE } from './errors.js';
import { pinnedRecipient } from './pin.js';
import type { DeviceCredentials } from './state.js';

/** One of the owner's cameras as the hub sees it: where its clips go and which zones to black out. */
export interface HubCamera {
  /** The camera's public id (ca_…). */
  id: string;
  name: string;
  privacyZones: string[];
  retentionDays: number;
}

/** What the server tells a paired hub: the owner's age recipient and cameras. */
export interface HubConfig {
  recipient: string;
  cameras: HubCamera[];
}

/** The typed API client, authenticated with the hub's device token when one is given. */
export function hubClient(server: string, token?: string): PorchlightClient {
  return createPorchlightClient({
    baseUrl: server.replace(/\/+$/, ''),
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

/** Turns an API failure into a {@link HubError} the owner can act on. */
export function apiError(server: string, status: number, body: unknown, what: string): HubError {
  if (isProblem(body)) {
    if (body.code === 'device_revoked') return new HubError(REVOKED_MESSAGE, 'revoked');
    const detail = typeof body.detail === 'string' ? `: ${body.detail}` : '';
    return new HubError(`${what} failed — ${server} said ${status} ${body.code}${detail}`, 'server');
  }
  return new HubError(
    `${what} failed — ${server} answered ${status}, which is not a Porchlight server`,
    'server',
  );
}

/** Wraps network failures (refused, DNS) with the server URL so the owner sees where the hub tried to go. */
async function reach<T>(server: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HubError) throw err;
    throw new HubError(`${what} failed — could not reach ${server} (${(err as Error).message})`, 'server', {
      cause: err,
    });
  }
}

/** Redeems a pairing code for a device token (`POST /api/devices/pair`). */
export async function pairDevice(server: string, code: string, name: string) {
  const client = hubClient(server);
  const res = await reach(server, 'pairing', () =>
    client.POST('/api/devices/pair', { body: { code, name } }),
  );
  if (!res.data) throw apiError(server, res.response.status, res.error, 'pairing');
  return res.data;
}

/** The owner's recipient as the server names it now, and the cameras (`GET /api/hub/config`). */
export async function fetchServerConfig(server: string, token: string): Promise<HubConfig> {
  const client = hubClient(server, token);
  const res = await reach(server, 'reading the hub configuration', () => client.GET('/api/hub/config'));
  if (!res.data) throw apiError(server, res.response.status, res.error, 'reading the hub configuration');
  return res.data;
}

/**
 * The configuration to work with, read before every clip so zone edits apply. Its recipient is the one pinned
 * at pairing: when the server names a different one the hub refuses (HubError `key_changed`) rather than
 * encrypt to a key the owner never confirmed.
 */
export async function fetchHubConfig(
  credentials: Pick<DeviceCredentials, 'server' | 'token' | 'recipient'>,
): Promise<HubConfig> {
  const config = await fetchServerConfig(credentials.server, credentials.token);
  return { ...config, recipient: pinnedRecipient(credentials.recipient, config.recipient) };
}
