/**
 * The headers every console page and file is served with, in the cloud (Workers reads dist/_headers,
 * written at build time) and locally (local/console-files.ts): one list, so both stay the same.
 * The console loads nothing from other origins; photos, audio and QR codes are blob: URLs it makes.
 */
export const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

export const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Hashed file names: an asset's content never changes under its name. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';

/** Workers static assets' `_headers` file for the same rules. */
export function workersHeadersFile(): string {
  const page = Object.entries(CONSOLE_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return ['/console', ...page, '/console/*', ...page, '/console/assets/*', `  Cache-Control: ${ASSET_CACHE}`, ''].join('\n');
}
