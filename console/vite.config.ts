import preact from '@preact/preset-vite';
import { copyFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { workersHeadersFile } from './security-headers.ts';

const dist = fileURLToPath(new URL('./dist', import.meta.url));

/**
 * The files live under dist/console/ because Workers static assets map URL paths to files one to one
 * (/console/assets/x.js is dist/console/assets/x.js). Workers' single-page fallback serves the
 * directory's /index.html, so a copy sits at dist/index.html for client routes like /console/inbox/…
 * dist/_headers gives Workers the same security headers the local server sends.
 */
function spaFallbackCopy(): Plugin {
  return {
    name: 'spa-fallback-copy',
    closeBundle() {
      copyFileSync(`${dist}/console/index.html`, `${dist}/index.html`);
      writeFileSync(`${dist}/_headers`, workersHeadersFile());
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [preact(), spaFallbackCopy()],
  build: {
    outDir: `${dist}/console`,
    emptyOutDir: true,
    assetsDir: 'assets',
    reportCompressedSize: true,
    // Swagger UI's one prebuilt bundle (about 430 KiB gzipped) is the docs page's alone, loaded only there.
    chunkSizeWarningLimit: 1_600,
    // Two pages: the console, and the API reference (/console/docs), whose Swagger UI bundle the console never loads.
    rollupOptions: { input: { console: fileURLToPath(new URL('./index.html', import.meta.url)), docs: fileURLToPath(new URL('./docs.html', import.meta.url)) } },
  },
});
