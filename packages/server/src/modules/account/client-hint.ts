import { isIPv4, isIPv6 } from 'node:net';

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/(?:Headless)?Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/curl\/(\d+)/, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * A short, coarse description of a browser ("Firefox 128 on Linux") for the sessions page. The raw User-Agent
 * is never stored: it identifies a browser far more precisely than a person needs to recognise their device.
 */
export function summariseUserAgent(ua: string | undefined): string | null {
  if (!ua) return null;
  const browser = BROWSERS.map(([re, name]) => [re.exec(ua), name] as const).find(([m]) => m);
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  const b = browser ? `${browser[1]} ${browser[0]![1]}` : 'Unknown browser';
  return system ? `${b} on ${system}` : b;
}

/**
 * A coarse network hint: the first two octets of an IPv4 address ("203.0.x.x") or the first two groups of an
 * IPv6 one ("2001:db8::/32") — enough to tell home from elsewhere, not to locate anyone.
 */
export function ipHint(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIPv4(v4)) {
    const [a, b] = v4.split('.');
    return `${a}.${b}.x.x`;
  }
  if (isIPv6(ip)) {
    const groups = ip.split(':');
    return `${groups[0] || '0'}:${groups[1] || '0'}::/32`;
  }
  return null;
}
