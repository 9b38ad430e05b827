/** Cloudflare Workers: Sentry's Cloudflare client (imported only when SENTRY_DSN is set). */
import { CloudflareClient } from '@sentry/cloudflare';
import { createStackParser } from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
import type { BaseClientOptions } from './client.ts';
import { makeFetchTransport } from './fetch-transport.ts';

export function createClient(options: BaseClientOptions): CloudflareClient {
  // workerd's stack traces are V8's, the format the Node line parser reads.
  return new CloudflareClient({ ...options, transport: makeFetchTransport, stackParser: createStackParser(nodeStackLineParser()) });
}
