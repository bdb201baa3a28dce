import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server `npm start` runs; the dev server forwards API calls to it so cookies stay same-origin. */
const API = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
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
    // Timing notes depend on the machine, not the code; they only add noise to CI logs.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
