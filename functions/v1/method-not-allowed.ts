/**
 * For a request no handler took: the methods that *are* served on its path, from the app's own route
 * table, so a known path with the wrong method is answered 405 with `Allow` instead of 404.
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    // 'ALL' entries are middleware (app.use), not resources.
    if (route.method === 'ALL' || !patternOf(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();

/** Hono route paths (`/v1/conversations/:id/messages`, `/hooks/*`) as anchored regular expressions. */
function patternOf(routePath: string): RegExp {
  let re = patterns.get(routePath);
  if (!re) {
    const source = routePath
      .split('/')
      .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    re = new RegExp(`^${source}/?$`);
    patterns.set(routePath, re);
  }
  return re;
}
