import { describe, expect, it } from 'vitest';
import { recipientFingerprint } from './fingerprint';

describe('recipientFingerprint', () => {
  it('matches the hub’s fingerprint of the same recipient', async () => {
    // The same vector is in packages/hub/test/pin.test.ts, and was checked against Python's hashlib.
    expect(await recipientFingerprint('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p')).toBe(
      'SXZ5-D0HH-6586-GPZH-DS1C',
    );
  });

  it('changes with any change to the recipient', async () => {
    const a = await recipientFingerprint('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p');
    const b = await recipientFingerprint('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
  });
});
