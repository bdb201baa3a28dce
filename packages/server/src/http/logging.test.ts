import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { loggerOptions, redactUrl } from './logging.js';

describe('logging', () => {
  it('never logs a searched address or a reverse-geocoded point', () => {
    expect(redactUrl('/api/geocode?q=12+Elm+Street')).toBe('/api/geocode?…');
    expect(redactUrl('/api/geocode/reverse?lat=45.5&lng=-122.6')).toBe('/api/geocode/reverse?…');
    expect(redactUrl('/api/posts?cursor=abc')).toBe('/api/posts?cursor=abc');
    expect(redactUrl('/api/geocoder-other?q=x')).toBe('/api/geocoder-other?q=x');
  });

  it('pretty-prints on a terminal and writes JSON otherwise', () => {
    const config = loadConfig({ LOG_LEVEL: 'warn' }, '/tmp');
    const tty = loggerOptions(config, true) as { level: string; transport?: { target: string } };
    const piped = loggerOptions(config, false) as { level: string; transport?: unknown };
    expect(tty.transport?.target).toBe('pino-pretty');
    expect(piped.transport).toBeUndefined();
    expect([tty.level, piped.level]).toEqual(['warn', 'warn']);
  });
});
