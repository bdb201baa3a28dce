import { describe, expect, it } from 'vitest';
import { DETECTOR_CONFIG, DETECTOR_FILES } from './detector';

describe('the redaction detector configuration', () => {
  it('loads BlazeFace and no model that looks inside a face (no description/embedding, mesh, iris, emotion…)', () => {
    const face = DETECTOR_CONFIG.face!;
    expect(face.detector?.modelPath).toBe('blazeface.json');
    for (const part of [
      'mesh',
      'attention',
      'iris',
      'emotion',
      'description',
      'antispoof',
      'liveness',
    ] as const) {
      expect(face[part]?.enabled, part).toBe(false);
    }
    for (const part of ['body', 'hand', 'object', 'segmentation', 'gesture'] as const) {
      expect(DETECTOR_CONFIG[part]?.enabled, part).toBe(false);
    }
    expect(DETECTOR_FILES).toEqual(['blazeface.json', 'blazeface.bin']);
  });
});
