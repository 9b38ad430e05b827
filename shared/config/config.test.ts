import { describe, expect, it } from 'vitest';
import { loadFunctionsConfig } from './functions-config.ts';
import { ConfigError } from './parse-env.ts';
import { QSTASH_DEV_CREDENTIALS } from './qstash-dev-credentials.ts';
import { loadSocketHostConfig } from './socket-host-config.ts';
import { CLOUD_ENV, S3_MEDIA_ENV } from '../../test-support/config-env.ts';

const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const cloud = CLOUD_ENV;

describe('configuration', () => {
  it('runs locally with no environment at all, on the local defaults', () => {
    const config = loadFunctionsConfig({});
    expect(config.MODE).toBe('local');
    expect(config.QSTASH_CURRENT_SIGNING_KEY).toBe(QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY);
    expect(config.PUBLIC_URL).toBe('http://127.0.0.1:8787');
    expect(loadSocketHostConfig({}).listenPort).toBe(8788);
  });

  it('names every missing variable in one sentence in cloud mode', () => {
    const err = problems(() => loadFunctionsConfig({ MODE: 'cloud' }));
    for (const name of ['DATABASE_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY', 'PUBLIC_URL', 'SOCKET_HOST_URL', 'API_KEY']) {
      expect(err.message).toContain(`${name} is required`);
    }
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('refuses QStash’s public dev keys in the cloud', () => {
    const err = problems(() =>
      loadFunctionsConfig({
        MODE: 'cloud',
        DATABASE_URL: 'postgres://u:p@ep-x.neon.tech/db',
        UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
        UPSTASH_REDIS_REST_TOKEN: 't',
        QSTASH_TOKEN: 't',
        QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
        QSTASH_NEXT_SIGNING_KEY: 'sig_real_next',
        PUBLIC_URL: 'https://functions.example.com',
        SOCKET_HOST_URL: 'https://socket.example.com',
        API_KEY: 'iak_0123456789abcdef0123456789',
      }),
    );
    expect(err.problems).toEqual([
      "QSTASH_CURRENT_SIGNING_KEY is QStash's public dev key; use the keys from the Upstash console",
    ]);
  });

  it('names malformed values, and defaults to cloud on hosted platforms', () => {
    expect(problems(() => loadFunctionsConfig({ DATABASE_URL: 'nonsense', PUBLIC_URL: 'ftp://x' })).problems).toEqual([
      'DATABASE_URL must be a postgres:// connection string',
      'PUBLIC_URL must be an http(s) URL',
    ]);
    expect(problems(() => loadFunctionsConfig({ MODE: 'production' })).message).toBe(
      'Configuration is invalid: MODE must be "local" or "cloud", not "production".',
    );
    expect(problems(() => loadFunctionsConfig({ VERCEL: '1' })).message).toContain('DATABASE_URL is required');
    expect(problems(() => loadSocketHostConfig({ WA_SESSIONS: 'a b' })).problems[0]).toMatch(/^WA_SESSIONS must be/);
  });

  it('understands voice notes and photos only when asked: AI_TRANSCRIPTION_MODEL names a model, AI_VISION is true or false', () => {
    expect(loadFunctionsConfig({}).AI_TRANSCRIPTION_MODEL).toBeUndefined();
    expect(loadFunctionsConfig({}).AI_VISION).toBe(false);
    expect(loadFunctionsConfig({ AI_TRANSCRIPTION_MODEL: 'whisper-1', AI_VISION: 'true' })).toMatchObject({ AI_TRANSCRIPTION_MODEL: 'whisper-1', AI_VISION: true });
    expect(problems(() => loadFunctionsConfig({ AI_VISION: 'yes' })).problems).toEqual(['AI_VISION must be "true" or "false"']);
  });

  it('takes an S3 media bucket as all four MEDIA_S3_* variables or none, naming each one missing; the region defaults to auto', () => {
    const s3 = S3_MEDIA_ENV;
    expect(loadFunctionsConfig({}).MEDIA_S3_ENDPOINT).toBeUndefined();
    expect(loadFunctionsConfig(s3)).toMatchObject({ ...s3, MEDIA_S3_REGION: 'auto' });
    expect(loadFunctionsConfig({ ...s3, MEDIA_S3_REGION: 'eu-central-1' }).MEDIA_S3_REGION).toBe('eu-central-1');

    expect(problems(() => loadFunctionsConfig({ MEDIA_S3_ENDPOINT: s3.MEDIA_S3_ENDPOINT, MEDIA_S3_BUCKET: s3.MEDIA_S3_BUCKET })).problems).toEqual([
      'MEDIA_S3_ACCESS_KEY_ID is required when MEDIA_S3_ENDPOINT, MEDIA_S3_BUCKET are set (the MEDIA_S3_* variables go together)',
      'MEDIA_S3_SECRET_ACCESS_KEY is required when MEDIA_S3_ENDPOINT, MEDIA_S3_BUCKET are set (the MEDIA_S3_* variables go together)',
    ]);
    expect(problems(() => loadFunctionsConfig({ ...s3, MEDIA_S3_ENDPOINT: '' })).problems).toEqual([
      'MEDIA_S3_ENDPOINT is required when MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY are set (the MEDIA_S3_* variables go together)',
    ]);
    expect(problems(() => loadFunctionsConfig({ ...s3, MEDIA_S3_ENDPOINT: 'r2.cloudflarestorage.com' })).problems).toEqual([
      'MEDIA_S3_ENDPOINT must be an http(s) URL',
    ]);
    // A local MinIO may be plain http; in the cloud the endpoint must be https.
    expect(loadFunctionsConfig({ ...s3, MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000' }).MEDIA_S3_ENDPOINT).toBe('http://127.0.0.1:9000');
    expect(problems(() => loadFunctionsConfig({ ...cloud, ...s3, MEDIA_S3_ENDPOINT: 'http://minio.example.com:9000' })).problems).toEqual([
      'MEDIA_S3_ENDPOINT must be an https URL in the cloud',
    ]);
    expect(loadFunctionsConfig({ ...cloud, ...s3 })).toMatchObject({ MODE: 'cloud', ...s3 });
    // Named together with the other problems, in one message.
    expect(problems(() => loadFunctionsConfig({ ...cloud, DATABASE_URL: '', MEDIA_S3_BUCKET: 'b' })).problems).toEqual([
      'DATABASE_URL is required',
      'MEDIA_S3_ENDPOINT is required when MEDIA_S3_BUCKET is set (the MEDIA_S3_* variables go together)',
      'MEDIA_S3_ACCESS_KEY_ID is required when MEDIA_S3_BUCKET is set (the MEDIA_S3_* variables go together)',
      'MEDIA_S3_SECRET_ACCESS_KEY is required when MEDIA_S3_BUCKET is set (the MEDIA_S3_* variables go together)',
    ]);
  });
});

describe('a Worker started without its secrets', () => {
  it('answers every request 503 naming the missing variables, not their values', async () => {
    const { newApp } = await import('../../functions/app.ts');
    // On Node the app reads process.env (hono/adapter), as it does on Vercel; Workers pass bindings.
    const saved = { MODE: process.env.MODE, QSTASH_TOKEN: process.env.QSTASH_TOKEN };
    Object.assign(process.env, { MODE: 'cloud', QSTASH_TOKEN: 'secret-token-value' });
    let res: Response;
    try {
      res = await newApp().request('/api/health');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.message).toContain('DATABASE_URL is required');
    expect(JSON.stringify(body)).not.toContain('secret-token-value');
  });
});
