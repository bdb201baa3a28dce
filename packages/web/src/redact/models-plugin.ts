import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { DETECTOR_FILES, MODEL_BASE } from './detector';

/** The weights folder of the installed @vladmandic/human package. */
function modelsDir(): string {
  const entry = createRequire(import.meta.url).resolve('@vladmandic/human');
  return path.join(path.dirname(entry), '..', 'models');
}

/**
 * Serves (dev) and emits (build) the face detector's weights at {@link MODEL_BASE} — BlazeFace and nothing
 * else. The npm package also ships face-description (embedding), mesh, iris, emotion and other models; none of
 * them is copied, so the web app cannot load one.
 */
export function redactModels(): Plugin {
  const files = DETECTOR_FILES;
  const read = (name: string) => readFileSync(path.join(modelsDir(), name));
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
          name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        );
        res.end(read(name));
      });
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${MODEL_BASE.slice(1)}${name}`, source: read(name) });
      }
    },
  };
}
