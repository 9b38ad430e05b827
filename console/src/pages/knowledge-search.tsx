import { useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client.ts';
import { Problem } from '../components/problem.tsx';
import { t } from '../i18n.ts';

/** Asks the knowledge base a customer's question: the passages shown are those the agent would be given. */
export function KnowledgeSearch() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Schemas['KnowledgeSearchResult']['data'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      setResults((await must(api.GET('/v1/knowledge/search', { params: { query: { q, limit: '5' } } }))).data);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section class="card section" aria-labelledby="search-heading">
      <h2 id="search-heading">{t('tryQuestion')}</h2>
      <form class="row" onSubmit={submit} role="search">
        <label class="grow">
          <span class="sr-only">{t('customerQuestion')}</span>
          <input type="search" required aria-label={t('customerQuestion')} placeholder={t('customerQuestion')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {error !== null && <Problem error={error} />}
      {results && results.length === 0 && <p class="muted">{t('noPassages')}</p>}
      {results && results.length > 0 && (
        <ol class="passages" aria-label={t('passages')}>
          {results.map((r, i) => (
            <li key={i}>
              <strong>{r.title}</strong> <span class="small muted">({r.score.toFixed(2)})</span>
              <p>{r.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
