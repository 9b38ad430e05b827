/**
 * GET /v1/docs: the OpenAPI document as one readable HTML page, rendered here from the same document
 * as /v1/openapi.json. It loads nothing (no script, no font, no CDN), so it works offline and under a
 * strict Content-Security-Policy.
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
};
type Operation = {
  summary?: string;
  description?: string;
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
};
type Doc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

export const DOCS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const esc = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Inline code in descriptions: `x` → <code>x</code>, after escaping. */
const prose = (text: string | undefined) => (text ? esc(text).replace(/`([^`]+)`/g, '<code>$1</code>') : '');

function typeOf(schema: Schema, doc: Doc): string {
  if (schema.$ref) return schema.$ref.split('/').pop()!;
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s) => typeOf(s, doc)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array' && schema.items) return `array of ${typeOf(schema.items, doc)}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

function resolve(schema: Schema, doc: Doc): Schema {
  if (!schema.$ref) return schema;
  return doc.components?.schemas?.[schema.$ref.split('/').pop()!] ?? schema;
}

function fields(schema: Schema | undefined, doc: Doc, depth = 0): string {
  if (!schema || depth > 3) return '';
  let s = resolve(schema, doc);
  if (s.type === 'array' && s.items) s = resolve(s.items, doc);
  if (!s.properties) return '';
  const rows = Object.entries(s.properties).map(([name, prop]) => {
    const required = s.required?.includes(name) ? ' <span class="req">required</span>' : '';
    const p = resolve(prop, doc);
    const nested = fields(prop, doc, depth + 1);
    return `<li><code>${esc(name)}</code> <span class="type">${esc(typeOf(prop, doc))}</span>${required} ${prose(p.description ?? prop.description)}${nested}</li>`;
  });
  return `<ul>${rows.join('')}</ul>`;
}

function operation(method: string, path: string, op: Operation, doc: Doc): string {
  const scopes = (op.security ?? []).map((req) => Object.values(req).flat().join(' + ')).filter(Boolean);
  const params = (op.parameters ?? [])
    .map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}) <span class="type">${esc(typeOf(p.schema ?? {}, doc))}</span>${p.required ? ' <span class="req">required</span>' : ''} ${prose(p.description ?? p.schema?.description)}</li>`)
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${prose(r.description)}</li>`)
    .join('');
  return `<section id="${esc(op.operationId ?? '')}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p><b>${prose(op.summary)}</b></p>${op.description ? `<p>${prose(op.description)}</p>` : ''}
<p>Scope: ${scopes.length ? scopes.map((s) => `<code>${esc(s)}</code>`).join(' or ') : 'none'}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
${body ? `<h4>Body (application/json)</h4>${fields(body, doc)}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

export function docsPage(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const toc = ops.map(({ path, method, op }) => `<li><a href="#${esc(op.operationId ?? '')}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
code{font:13px ui-monospace,monospace;background:#f2f2f4;padding:0 .25em;border-radius:3px}
section{border-top:1px solid #ddd;padding:.5rem 0}
.method{font:bold 12px ui-monospace,monospace;padding:.15em .5em;border-radius:3px;color:#fff;background:#555}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#a15c00}.delete{background:#b71c1c}
.type{color:#6a1b9a;font-size:13px}.req{color:#b71c1c;font-size:12px}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${prose(doc.info.description)}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2><ul>${toc}</ul>
${ops.map(({ path, method, op }) => operation(method, path, op, doc)).join('\n')}
</body></html>`;
}
