import { useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { useAction } from '../components/use-action.ts';
import { formatTime, t } from '../i18n.ts';
import { KnowledgeSearch } from './knowledge-search.tsx';

/** The documents the agent may quote: list, add (typed text or a PDF/Markdown/text file), remove, and search as the agent does. */
export function KnowledgePage() {
  const { data, error, mutate } = useSWR('knowledge', () => must(api.GET('/v1/knowledge')));
  return (
    <section class="page">
      <h1>{t('knowledge')}</h1>
      <p class="muted">{t('knowledgeIntro')}</p>
      <KnowledgeSearch />
      <section class="card section" aria-labelledby="documents-heading">
        <h2 id="documents-heading">{t('documents')}</h2>
        {error && <Problem error={error} onRetry={() => void mutate()} />}
        {!data && !error && <Loading />}
        {data?.data.length === 0 && <p class="muted">{t('noDocuments')}</p>}
        <ul class="rows">
          {data?.data.map((doc) => (
            <DocumentRow key={doc.id} doc={doc} onChanged={() => void mutate()} />
          ))}
        </ul>
        <AddDocument onAdded={() => void mutate()} />
      </section>
    </section>
  );
}

function DocumentRow({ doc, onChanged }: { doc: Schemas['KnowledgeSummary']; onChanged: () => void }) {
  const [error, setError] = useState<unknown>(null);
  async function remove() {
    if (!confirm(t('confirmRemoveDocument', { title: doc.title }))) return;
    try {
      await must(api.DELETE('/v1/knowledge/{id}', { params: { path: { id: doc.id } } }));
      onChanged();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <li>
      <div class="grow">
        <strong>{doc.title}</strong>
        <p class="small muted">
          {doc.sourceType} · {passages(doc.chunks)} · {formatTime(doc.createdAt)}
        </p>
        {error !== null && <Problem error={error} />}
      </div>
      <button type="button" class="danger" aria-label={`${t('remove')} ${doc.title}`} onClick={() => void remove()}>
        {t('remove')}
      </button>
    </li>
  );
}

const passages = (n: number) => (n === 1 ? t('onePassage') : t('passagesCount', { n }));

const FILE_TYPES: Record<string, 'application/pdf' | 'text/markdown' | 'text/plain'> = { pdf: 'application/pdf', md: 'text/markdown', markdown: 'text/markdown', txt: 'text/plain' };

function AddDocument({ onAdded }: { onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setAdded(null);
    await run(async () => {
      const created = file ? await upload(file, title) : await must(api.POST('/v1/knowledge', { body: { title, text } }));
      setAdded(t('documentAdded', { title: created.title, passages: passages(created.chunks) }));
      setTitle('');
      setText('');
      setFile(null);
      (e.target as HTMLFormElement).reset();
      onAdded();
    });
  }

  return (
    <form class="create" onSubmit={submit}>
      <h3>{t('addDocument')}</h3>
      <label for="doc-title">{t('title')}</label>
      <input id="doc-title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <label for="doc-text">{t('documentText')}</label>
      <textarea id="doc-text" rows={6} required={!file} disabled={file !== null} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <label for="doc-file">{t('orFile')}</label>
      <input id="doc-file" type="file" accept=".pdf,.md,.markdown,.txt,application/pdf,text/markdown,text/plain" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      {error !== null && <Problem error={error} />}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('addDocument')}
        </button>
        {added && <span role="status">{added}</span>}
      </div>
    </form>
  );
}

/** A file goes as its own body (PDF, Markdown or text) with the title in the query, as the API takes it. */
async function upload(file: File, title: string) {
  const type = FILE_TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? 'text/plain';
  return await must(
    api.POST('/v1/knowledge', {
      params: { query: { title } },
      body: file as unknown as string,
      bodySerializer: (body) => body as unknown as BodyInit,
      headers: { 'Content-Type': type },
    }),
  );
}
