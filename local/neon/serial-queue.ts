/**
 * Runs jobs one after another, in the order they were queued. PGlite is one connection: two HTTP
 * requests served at once would otherwise put one request's statements inside the other's BEGIN.
 */
export type SerialQueue = {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Resolves once every job queued so far has settled. */
  drain(): Promise<void>;
};

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(job) {
      const result = tail.then(job);
      // The next job waits for this one whether it succeeds or fails; failures go to run's caller.
      tail = result.catch(() => undefined);
      return result;
    },
    async drain() {
      await tail;
    },
  };
}
