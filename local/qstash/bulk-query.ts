/**
 * Query strings of QStash's list and bulk endpoints, as the SDK builds them: repeated ids
 * (`dlqIds=a&dlqIds=b`), or filters plus `count`/`cursor`; no filter at all means every message.
 */

export interface BulkQuery {
  ids?: string[];
  /** Each filter's values; a record matches one of them (OR), and every filter (AND). */
  filter: Record<string, string[]>;
  count: number;
  /** Offset into the matching list, as a decimal string. */
  offset: number;
}

const DEFAULT_COUNT = 100;

/**
 * Unknown filters are rejected rather than ignored: ignoring one would turn
 * "delete the DLQ messages of X" into "delete every DLQ message".
 */
export function parseBulkQuery(url: string, idParam: string, filterKeys: readonly string[]): BulkQuery | { error: string } {
  const params = new URL(url).searchParams;
  const filter: Record<string, string[]> = {};
  for (const key of new Set(params.keys())) {
    if (key === idParam || key === 'count' || key === 'cursor') continue;
    if (!filterKeys.includes(key)) return { error: `filter ${key} is not supported by the local QStash stand-in` };
    filter[key] = params.getAll(key);
  }
  const count = Number(params.get('count') ?? DEFAULT_COUNT);
  const offset = Number(params.get('cursor') ?? 0);
  if (!Number.isInteger(count) || count < 1) return { error: `invalid count ${params.get('count')}` };
  if (!Number.isInteger(offset) || offset < 0) return { error: `invalid cursor ${params.get('cursor')}` };
  const ids = params.getAll(idParam);
  return { ...(ids.length > 0 && { ids }), filter, count, offset };
}

/**
 * Whether a record (a message or DLQ view) passes every filter: one of the filter's values equals
 * the field, compared as strings. `label` matches any of the record's labels.
 */
export function matchesFilter(record: Record<string, unknown>, filter: Record<string, string[]>): boolean {
  return Object.entries(filter).every(([key, wanted]) => {
    const field = key === 'label' ? record.labels : record[key];
    const values = Array.isArray(field) ? field.map(String) : [String(field ?? '')];
    return wanted.some((value) => values.includes(value));
  });
}
