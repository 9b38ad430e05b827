import { useEffect, useRef, useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { formatTime, t } from '../i18n.ts';
import { pollOptions } from '../polling.ts';
import { href, onLinkClick } from '../router.ts';
import { ConversationView } from './conversation.tsx';

/** The 100 most recently active conversations that match; the API searches and filters them. */
const LIST_LIMIT = 100;
/** Typing pauses this long before the list is asked again: one request per search, not per key. */
const SEARCH_DELAY_MS = 300;

export type Filter = 'all' | 'needsHuman' | 'paused' | 'active';
type ListQuery = NonNullable<paths['/v1/conversations']['get']['parameters']['query']>;

/** What the API is asked for a filter and a search (a search under 2 characters is no search). */
export function listQuery(filter: Filter, search: string): ListQuery {
  const q = search.trim();
  const query: ListQuery = { limit: String(LIST_LIMIT) };
  if (q.length >= 2) query.q = q;
  if (filter === 'needsHuman') query.needsHuman = 'true';
  if (filter === 'paused') query.paused = 'true';
  if (filter === 'active') query.paused = 'false';
  return query;
}

export function useConversations(filter: Filter, search: string) {
  const query = listQuery(filter, search);
  return useSWR(['conversations', JSON.stringify(query)], () => must(api.GET('/v1/conversations', { params: { query } })), {
    ...pollOptions,
    // The old list stays on screen while a new search is on its way.
    keepPreviousData: true,
  });
}

function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function InboxPage({ conversationId }: { conversationId?: string }) {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const { data, error, mutate } = useConversations(filter, useDebounced(search, SEARCH_DELAY_MS));
  const listed = data?.data.find((c) => c.id === conversationId);
  // A search or filter may leave the open conversation out of the list: then it is read on its own.
  const { data: alone, mutate: mutateAlone } = useSWR(
    conversationId && data && !listed ? ['conversation', conversationId] : null,
    () => must(api.GET('/v1/conversations/{id}', { params: { path: { id: conversationId! } } })),
    pollOptions,
  );
  // The last one seen bridges the moment between leaving the list and being read alone: no flicker.
  const lastSeen = useRef<Schemas['Conversation'] | undefined>(undefined);
  const open = listed ?? (alone?.id === conversationId ? alone : lastSeen.current?.id === conversationId ? lastSeen.current : undefined);
  lastSeen.current = open;
  const filtered = search.trim().length >= 2 || filter !== 'all';

  return (
    <div class={`inbox ${conversationId ? 'has-open' : ''}`}>
      <section class="list-pane" aria-labelledby="conversations-heading">
        <h1 id="conversations-heading">{t('inbox')}</h1>
        <div class="filters">
          <label class="grow">
            <span class="sr-only">{t('search')}</span>
            <input type="search" placeholder={t('searchPlaceholder')} aria-label={t('search')} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          </label>
          <label>
            <span class="sr-only">{t('filter')}</span>
            <select aria-label={t('filter')} value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
              <option value="all">{t('filterAll')}</option>
              <option value="needsHuman">{t('filterNeedsHuman')}</option>
              <option value="paused">{t('filterPaused')}</option>
              <option value="active">{t('filterActive')}</option>
            </select>
          </label>
        </div>
        {error && <Problem error={error} onRetry={() => void mutate()} />}
        {!data && !error && <Loading />}
        {data && data.data.length === 0 && <p class="muted">{filtered ? t('noMatch') : t('noConversations')}</p>}
        <ul class="conversations" aria-label={t('conversations')}>
          {data?.data.map((c) => (
            <li key={c.id}>
              <a
                href={href(`inbox/${c.id}`)}
                aria-current={c.id === conversationId ? 'true' : undefined}
                onClick={(e) => onLinkClick(e, `inbox/${c.id}`)}
              >
                <span class="who">{contactName(c)}</span>
                <span class="when">{formatTime(c.lastMessageAt)}</span>
                {c.name && c.phone && <span class="phone">+{c.phone}</span>}
                {(c.needsHuman || c.paused) && (
                  <span class="badges">
                    {c.needsHuman && <span class="badge">{t('needsHuman')}</span>}
                    {c.paused && <span class="badge info">{t('paused')}</span>}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
        {data?.nextCursor && <p class="muted small">{t('moreConversations', { count: LIST_LIMIT })}</p>}
      </section>
      <section class="open-pane">
        {conversationId ? (
          <ConversationView
            id={conversationId}
            conversation={open}
            onChanged={() => {
              void mutate();
              void mutateAlone();
            }}
          />
        ) : (
          <p class="muted center">{t('pickConversation')}</p>
        )}
      </section>
    </div>
  );
}

export function contactName(c: Pick<Schemas['Conversation'], 'name' | 'phone' | 'contactJid'>): string {
  return c.name ?? (c.phone ? `+${c.phone}` : c.contactJid);
}
