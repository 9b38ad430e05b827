/**
 * A redis-server of the test's own on a free port, without persistence, so a fault test can kill and
 * restart it without touching the shared server on :6379 that other tests use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../local/free-port.ts';
import { eventually } from './eventually.ts';

export type PrivateRedis = {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** SIGKILL and start again on the same port: connections drop, and (no persistence) the data is gone. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ChildProcess | undefined;

  const start = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    server = child;
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (err) => reject(new Error(`redis-server could not start (is it installed?): ${err.message}`))),
    );
    await Promise.race([eventually(() => answersPing(port), `the private Redis on :${port}`, 15_000), failed]);
  };
  const kill = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}

/** One PING over a raw socket: no client library, so nothing reconnects behind our back. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}
