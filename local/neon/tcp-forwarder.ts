/**
 * Test support: a TCP forwarder in front of the shared PostgreSQL, so that tests can make "the
 * database" go away and come back (and slow its replies down) without touching the server that
 * every other test uses.
 */
import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type ForwarderOptions = {
  target: { host: string; port: number };
  /**
   * Hand the client each message the server sends in a packet of its own, a millisecond apart, as a loaded machine or a real network may: an ErrorResponse then reaches the client
   * before the ReadyForQuery that follows it.
   */
  onePacketPerMessage?: boolean;
};

export type Forwarder = {
  /** The port it listens on (kept across close/open, so a client configured with it keeps working). */
  readonly port: number;
  /** Starts listening again on the same port after close(). */
  open(): Promise<void>;
  /** Stops listening and cuts every open connection at once, as a dying server does. */
  close(): Promise<void>;
};

export async function startForwarder(options: ForwarderOptions, port = 0): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let boundPort = port;

  const connect = (client: Socket) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    upstream.connect(options.target.port, options.target.host);
    client.pipe(upstream);
    // Nagle's algorithm would hold a small write back and send it together with the next one.
    client.setNoDelay(true);
    if (options.onePacketPerMessage) splitMessages(upstream, client);
    else upstream.pipe(client);
  };

  const forwarder: Forwarder = {
    get port() {
      return boundPort;
    },
    async open() {
      const listening = createServer(connect);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(boundPort, '127.0.0.1', () => resolve());
      });
      server = listening;
      const address = listening.address();
      if (address && typeof address === 'object') boundPort = address.port;
    },
    async close() {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  await forwarder.open();
  return forwarder;
}

/**
 * Server-to-client bytes, one protocol message per write, each write a millisecond later. After the
 * startup exchange every server message is a type byte and a 4-byte length that counts itself.
 */
function splitMessages(from: Socket, to: Socket) {
  let buffered = Buffer.alloc(0);
  let sending = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const messages: Buffer[] = [];
    while (buffered.length >= 5) {
      const size = 1 + buffered.readUInt32BE(1);
      if (buffered.length < size) break;
      messages.push(buffered.subarray(0, size));
      buffered = buffered.subarray(size);
    }
    sending = sending.then(async () => {
      for (const message of messages) {
        if (to.destroyed) return;
        to.write(message);
        // A timer, not setImmediate: the event loop polls the sockets before the next timer runs,
        // so the client reads this message on its own before the next one is written.
        await sleep(1);
      }
    });
  });
}
