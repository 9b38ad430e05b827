import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, generateApiTypes } from './scripts/generate-api-types.ts';

describe('the console’s API types', () => {
  it('are what the current /v1 OpenAPI document generates (run `npm run gen:console-api` when this fails)', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await generateApiTypes());
  });

  it('name every /v1 operation the console calls', () => {
    const types = readFileSync(SCHEMA_PATH, 'utf8');
    for (const path of ['/v1/sessions', '/v1/sessions/{id}/qr.png', '/v1/conversations', '/v1/conversations/{id}/messages', '/v1/conversations/{id}/pause', '/v1/agent']) {
      expect(types).toContain(`"${path}": {`);
    }
  });
});
