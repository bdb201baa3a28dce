import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStateStore, sanitiseOrigin } from './state.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('fileStateStore', () => {
  it('keeps key, checkpoint and time per origin under <dir>/<origin>/', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-state-'));
    dirs.push(dir);
    const store = fileStateStore(dir);
    expect(await store.load('example.org/log')).toBeUndefined();
    const state = {
      key: 'example.org/log+01234567+AQ==',
      checkpoint: 'note\n\n— sig\n',
      seenAt: '2026-05-01T00:00:00Z',
    };
    await store.save('example.org/log', state);
    expect(await store.load('example.org/log')).toEqual(state);
    expect(await fs.readFile(path.join(dir, 'example.org_log', 'checkpoint'), 'utf8')).toBe(state.checkpoint);
    expect(await store.load('example.org/other')).toBeUndefined();
  });

  it('never lets an origin escape the state directory', () => {
    expect(sanitiseOrigin('../../etc/passwd')).toBe('_._.._etc_passwd');
    expect(sanitiseOrigin('..')).toBe('_.');
    expect(sanitiseOrigin('a b/c+d')).toBe('a_b_c_d');
  });
});
