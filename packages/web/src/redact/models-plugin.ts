import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { PLATE_CASCADE_PATH } from '@porchlight/redact';
import { DETECTOR_FILES, MODEL_BASE, PLATE_FILES } from './detector';

/** The weights folder of the installed @vladmandic/human package. */
function modelsDir(): string {
  const entry = createRequire(import.meta.url).resolve('@vladmandic/human');
  return path.join(path.dirname(entry), '..', 'models');
}

/**
 * Serves (dev) and emits (build) the face detector's weights at {@link MODEL_BASE} — BlazeFace and nothing
 * else — and the licence-plate cascade from Debian's `opencv-data` when it is installed (without it the build
 * says so once and the redaction page tells the owner plates must be boxed by hand). The npm package also ships
 * face-description (embedding), mesh, iris, emotion and other models; none of them is copied, so the web app
 * cannot load one.
 */
export function redactModels(): Plugin {
  const plates = existsSync(PLATE_CASCADE_PATH);
  const files = plates ? [...DETECTOR_FILES, ...PLATE_FILES] : DETECTOR_FILES;
  const read = (name: string) =>
    PLATE_FILES.includes(name)
      ? readFileSync(path.join(path.dirname(PLATE_CASCADE_PATH), name))
      : readFileSync(path.join(modelsDir(), name));
  return {
    name: 'porchlight-redact-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(MODEL_BASE) ? req.url.slice(MODEL_BASE.length).split('?')[0]! : null;
        if (name === null || !files.includes(name)) {
          next();
          return;
        }
        res.setHeader(
          'content-type',
          name.endsWith('.json')
            ? 'application/json'
            : name.endsWith('.xml')
              ? 'application/xml'
              : 'application/octet-stream',
        );
        res.end(read(name));
      });
    },
    buildStart() {
      if (!plates) {
        this.warn(
          `${PLATE_CASCADE_PATH} is not installed (Debian's opencv-data): licence plates will not be detected`,
        );
      }
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${MODEL_BASE.slice(1)}${name}`, source: read(name) });
      }
    },
  };
}
