import { describe, expect, it } from 'vitest';
import { ipHint, summariseUserAgent } from './client-hint.js';

describe('summariseUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge 131 on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari 17 on iOS',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36',
      'Chrome 140 on Linux',
    ],
    ['something else', 'Unknown browser'],
  ])('%s → %s', (ua, summary) => {
    expect(summariseUserAgent(ua)).toBe(summary);
  });

  it('keeps nothing when there is no User-Agent', () => {
    expect(summariseUserAgent(undefined)).toBeNull();
  });
});

describe('ipHint', () => {
  it('keeps two IPv4 octets or two IPv6 groups, never the whole address', () => {
    expect(ipHint('203.0.113.42')).toBe('203.0.x.x');
    expect(ipHint('::ffff:198.51.100.7')).toBe('198.51.x.x');
    expect(ipHint('2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8::/32');
    expect(ipHint('not an ip')).toBeNull();
  });
});
