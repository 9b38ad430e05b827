import { useEffect, useState } from 'preact/hooks';
import { fetchBlob } from '../api/client.ts';

/**
 * An object URL for a /v1 file fetched with the key (an <img src> cannot carry it). `version` changing
 * fetches again (the QR code's refresh); the old URL is revoked so refreshing does not leak memory.
 */
export function useBlobUrl(path: string | null, version = 0): { url: string | null; error: unknown } {
  const [state, setState] = useState<{ url: string | null; error: unknown }>({ url: null, error: null });
  useEffect(() => {
    if (!path) return;
    let url: string | null = null;
    let live = true;
    fetchBlob(path).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ url, error: null });
      },
      (error: unknown) => live && setState((s) => ({ url: s.url, error })),
    );
    return () => {
      live = false;
      if (url) setTimeout(() => URL.revokeObjectURL(url!), 0);
    };
  }, [path, version]);
  return state;
}
