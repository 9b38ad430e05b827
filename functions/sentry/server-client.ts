/** Node and Vercel: @sentry/core's server client (imported only when SENTRY_DSN is set). */
import { createStackParser } from '@sentry/core';
import { nodeStackLineParser, ServerRuntimeClient } from '@sentry/core/server';
import type { BaseClientOptions } from './client.ts';
import { makeFetchTransport } from './fetch-transport.ts';

export function createClient(options: BaseClientOptions): ServerRuntimeClient {
  return new ServerRuntimeClient({
    ...options,
    transport: makeFetchTransport,
    stackParser: createStackParser(nodeStackLineParser()),
    platform: 'node',
    runtime: { name: 'node', version: process.version },
  });
}
