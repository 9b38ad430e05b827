/**
 * The socket-host is measured as the image runs it: bundled by socket-host/build.ts (the image's
 * options, so no TypeScript is stripped at run time) and started with the Dockerfile's NODE_OPTIONS
 * and the V8 flags of its CMD.
 * Beside it, the baseline: a process that only imports Baileys, run the same way.
 */
import { fork } from 'node:child_process';
import { buildSocketHost } from '../../socket-host/build.ts';
import { imageNode } from '../../socket-host/image-node.ts';

/** The image's NODE_OPTIONS, then the flags its CMD gives node, as arguments for `fork`. */
export function imageNodeArgs(): string[] {
  const { nodeOptions, flags } = imageNode();
  return [...nodeOptions, ...flags];
}

/** Bundles a bench process file (relative to the repository) into dist/bench/, beside node_modules. */
export function bundleBenchProcess(file: string): Promise<string> {
  const name = file.split('/').at(-1)!.replace(/\.ts$/, '.mjs');
  return buildSocketHost(`dist/bench/${name}`, file);
}

/** RSS in bytes of a Node process with Baileys imported and nothing else, after it settled and a GC. */
export async function measureBareBaileys(nodeOptions: string[]): Promise<number> {
  const file = await bundleBenchProcess('bench/processes/bare-baileys.ts');
  return new Promise((resolve, reject) => {
    const child = fork(file, { execArgv: ['--expose-gc', ...nodeOptions], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bare-baileys exited with ${code}`)));
    child.once('message', (m: { rss: number }) => {
      child.removeAllListeners('exit').kill();
      resolve(m.rss);
    });
  });
}
