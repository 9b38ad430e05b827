/**
 * The socket-host's memory baseline: Node with Baileys imported and nothing else. Measured as the
 * socket-host's idle RSS is, 2 s after start, after a full GC.
 */
await import('@whiskeysockets/baileys');
await new Promise((r) => setTimeout(r, 2000));
(globalThis as { gc?: () => void }).gc?.();
process.send?.({ rss: process.memoryUsage().rss });
