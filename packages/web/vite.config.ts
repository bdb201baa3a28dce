import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { redactModels } from './src/redact/models-plugin';

/** The API server `npm start` runs; the dev server forwards API calls to it so cookies stay same-origin. */
const API = 'http://localhost:8080';

/**
 * The vault service worker is its own entry, built to `/vault-sw.js` at the site root so its scope can be
 * `/` (it answers `/vault/stream/…`). In dev, that URL is served from the TypeScript source.
 */
const VAULT_WORKER = fileURLToPath(new URL('src/vault/sw/worker.ts', import.meta.url));

function vaultWorkerInDev(): Plugin {
  return {
    name: 'porchlight-vault-worker-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url === '/vault-sw.js') req.url = '/src/vault/sw/worker.ts';
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), vaultWorkerInDev(), redactModels()],
  server: {
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/openapi.json': API,
      '/healthz': API,
      '/readyz': API,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The map chunk (MapLibre + h3-js, ~1.3 MB) is loaded lazily, only on pages that show a map.
    chunkSizeWarningLimit: 1400,
    rolldownOptions: {
      // Timing notes depend on the machine, not the code; they only add noise to CI logs.
      checks: { bundlerTimings: false },
      input: { main: fileURLToPath(new URL('index.html', import.meta.url)), 'vault-sw': VAULT_WORKER },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'vault-sw' ? 'vault-sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
