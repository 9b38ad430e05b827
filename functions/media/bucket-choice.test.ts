import { describe, expect, it } from 'vitest';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { CLOUD_ENV, S3_MEDIA_ENV } from '../../test-support/config-env.ts';
import { createServices } from '../services.ts';
import { LocalFolderBucket } from './local-folder-bucket.ts';
import { R2MediaBucket } from './r2-bucket.ts';
import { S3MediaBucket } from './s3-bucket.ts';

const S3 = S3_MEDIA_ENV;
const CLOUD = CLOUD_ENV;
const r2Binding = { put: async () => null, get: async () => null, delete: async () => undefined };
const bucketFor = (env: Record<string, string>, binding?: unknown) => createServices(loadFunctionsConfig(env), undefined, { MEDIA_BUCKET: binding }).media;

describe('where media is kept', () => {
  it('the R2 binding first, then the MEDIA_S3_* bucket, then a folder; in the cloud with none of them, nowhere', () => {
    expect(bucketFor({ ...CLOUD, ...S3, MEDIA_DIR: '/srv/media' }, r2Binding)).toBeInstanceOf(R2MediaBucket);
    expect(bucketFor({ ...CLOUD, ...S3, MEDIA_DIR: '/srv/media' })).toBeInstanceOf(S3MediaBucket);
    expect(bucketFor({ ...CLOUD, MEDIA_DIR: '/srv/media' })).toBeInstanceOf(LocalFolderBucket);
    expect(bucketFor(CLOUD)).toBeUndefined();
    // Locally the folder is the default, unless an S3 bucket (a local MinIO, say) is configured.
    expect(bucketFor({})).toBeInstanceOf(LocalFolderBucket);
    expect(bucketFor({ ...S3, MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toBeInstanceOf(S3MediaBucket);
  });
});
