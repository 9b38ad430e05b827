/**
 * How the Docker image starts Node, read from the Dockerfile: its NODE_OPTIONS and the flags its CMD
 * puts before the bundle (V8 flags such as --optimize-for-size are refused in NODE_OPTIONS). The bench
 * and socket-host/bundle.test.ts start the socket-host with exactly these.
 */
import { readFileSync } from 'node:fs';

export type ImageNode = { nodeOptions: string[]; flags: string[]; entry: string };

export function imageNode(dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')): ImageNode {
  const nodeOptions = dockerfile.match(/NODE_OPTIONS="([^"]*)"/)?.[1]?.split(' ').filter(Boolean) ?? [];
  const cmd = dockerfile.match(/^CMD \[(.*)\]$/m)?.[1];
  const args = cmd ? (JSON.parse(`[${cmd}]`) as string[]) : [];
  if (args[0] !== 'node' || args.length < 2) throw new Error(`the Dockerfile's CMD does not start node: ${cmd}`);
  return { nodeOptions, flags: args.slice(1, -1), entry: args.at(-1)! };
}
