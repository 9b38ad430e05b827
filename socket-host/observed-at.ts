let last = 0;

/**
 * When the socket-host saw an event, as an ISO time with microseconds that never repeats or goes back
 * within this process: the queue delivers events in parallel, so the functions order a conversation by
 * this, not by when each delivery happened to be stored.
 */
export function observedAt(): string {
  const micros = Math.max(Date.now() * 1000, last + 1);
  last = micros;
  const iso = new Date(Math.floor(micros / 1000)).toISOString(); // …T07:35:26.123Z
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}
