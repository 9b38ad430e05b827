/**
 * A suite process loads its code, says `loaded`, and starts only when told: the suite keeps the next
 * instance warm, so a killed process is replaced within milliseconds, as a new Worker isolate or a
 * container already pulled would be, whatever the machine's load. The kill still cuts everything.
 */
export async function whenTold(): Promise<void> {
  await new Promise<void>((resolve) => {
    const onMessage = (m: { cmd?: string }) => {
      if (m?.cmd !== 'go') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ loaded: true });
  });
}
