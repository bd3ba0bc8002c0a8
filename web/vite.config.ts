/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The web app: built into web/dist, which the server serves; `npm run dev:web` proxies the API to a running server. */
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(['/v1', '/sandbox', '/docs', '/health'].map((p) => [p, { target: 'http://localhost:8080' }])),
  },
  test: {
    root,
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    css: false,
    // A loaded 2-core machine renders slowly; the tests wait for what they look for, never for a time.
    testTimeout: 60_000,
  },
});
