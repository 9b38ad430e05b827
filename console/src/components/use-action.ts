import { useState } from 'preact/hooks';

/**
 * One request a control starts: `busy` while it runs, and the error it ended with (shown in words by
 * <Problem>), cleared when the next one starts.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(work: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}
