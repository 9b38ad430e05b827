/** Environments the configuration tests load, in one place. */

/** A complete cloud environment, without media storage. */
export const CLOUD_ENV = {
  MODE: 'cloud',
  DATABASE_URL: 'postgres://u:p@ep-x.neon.tech/db',
  UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
  UPSTASH_REDIS_REST_TOKEN: 't',
  QSTASH_TOKEN: 't',
  QSTASH_CURRENT_SIGNING_KEY: 'sig_real_current',
  QSTASH_NEXT_SIGNING_KEY: 'sig_real_next',
  PUBLIC_URL: 'https://functions.example.com',
  SOCKET_HOST_URL: 'https://socket.example.com',
  API_KEY: 'iak_0123456789abcdef0123456789',
};

/** The four MEDIA_S3_* variables of an R2 bucket reached through its S3 API. */
export const S3_MEDIA_ENV = {
  MEDIA_S3_ENDPOINT: 'https://0123abcd.r2.cloudflarestorage.com',
  MEDIA_S3_BUCKET: 'ia-agent-media',
  MEDIA_S3_ACCESS_KEY_ID: 'key-id',
  MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
};
