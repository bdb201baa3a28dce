import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a push endpoint may not point at: loopback, private, link-local, CGNAT, multicast, unspecified. */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a subscription's endpoint is refused, or undefined. The server POSTs to the endpoint a subscriber
 * chooses, so unless the operator allows it (tests, a push service on the LAN) it must be https and must not
 * name an internal host.
 */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | undefined {
  if (!URL.canParse(endpoint)) return 'must be an absolute URL';
  const url = new URL(endpoint);
  if (url.username || url.password) return 'must not carry credentials';
  if (allowPrivate)
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be http(s)';
  if (url.protocol !== 'https:') return 'must be an https: URL';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal')
  )
    return 'must not point at a local host';
  if (isInternalAddress(host)) return 'must not point at a private or loopback address';
  return undefined;
}

/**
 * Checked again just before sending, on what the name resolves to now: a public name can be pointed at an
 * internal address after the subscription was accepted (DNS rebinding).
 */
export async function endpointResolvesPublic(endpoint: string, allowPrivate: boolean): Promise<boolean> {
  if (allowPrivate) return true;
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return !isInternalAddress(host);
  const addresses = await lookup(host, { all: true });
  return addresses.length > 0 && addresses.every((a) => !isInternalAddress(a.address));
}
