import { useEffect, useState } from 'preact/hooks';

/**
 * A few client routes under /console/ need no router library: pushState, popstate and one hook.
 * The server answers every /console/* path with index.html, so a reload lands on the same page.
 */
const BASE = '/console';

export type Route = { page: string; id?: string };

export function parseRoute(pathname: string): Route {
  const [page = 'inbox', id] = pathname.replace(/^\/console\/?/, '').split('/').filter(Boolean);
  return { page, id: id ? decodeURIComponent(id) : undefined };
}

/** A console path, keeping `?lang=` so a chosen language survives navigation. */
export function href(path: string): string {
  const lang = new URLSearchParams(location.search).get('lang');
  return `${BASE}/${path}${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`;
}

export function navigate(path: string): void {
  history.pushState(null, '', href(path));
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return route;
}

/** Plain left clicks on in-console links stay in the page; others (new tab…) behave as links do. */
export function onLinkClick(e: MouseEvent, path: string): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
}
