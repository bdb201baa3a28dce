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
    // MapLibre alone is ~1 MB minified; it is split into its own chunk below.
    chunkSizeWarningLimit: 1200,
  },
});
