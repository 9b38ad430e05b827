import { useEffect, useRef, useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { formatTime, t } from '../i18n.ts';
import { messagePollMs, pollOptions } from '../polling.ts';
import { href, onLinkClick } from '../router.ts';
import { toMedia } from './attach-file.ts';
import { sendHumanReply } from './human-reply.ts';
import { contactName } from './inbox.tsx';
import { MessageItem } from './message-item.tsx';

/** The newest 50 messages, polled while the conversation is open; older ones load on request. */
const PAGE = 50;

export function ConversationView({ id, conversation, onChanged }: { id: string; conversation?: Schemas['Conversation']; onChanged: () => void }) {
  const [older, setOlder] = useState<{ data: Schemas['Message'][]; nextCursor: string | null } | null>(null);
  // The list's lastMessageAt in the key: a newer message seen there fetches the messages at once.
  const { data, error, mutate } = useSWR(
    ['messages', id, conversation?.lastMessageAt],
    () => must(api.GET('/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: String(PAGE) } } })),
    { ...pollOptions, refreshInterval: (latest) => messagePollMs(latest), keepPreviousData: true },
  );
  useEffect(() => setOlder(null), [id]);
  // keepPreviousData bridges a lastMessageAt change; it must not show another conversation's messages.
  const page = data?.data.every((m) => m.conversationId === id) ? data : undefined;

  // The API pages newest first; a chat reads oldest first.
  const newest = page?.data ?? [];
  const seen = new Set(newest.map((m) => m.id));
  const messages = [...newest, ...(older?.data.filter((m) => !seen.has(m.id)) ?? [])].reverse();
  const cursor = older ? older.nextCursor : (page?.nextCursor ?? null);

  async function loadOlder() {
    if (!cursor) return;
    const next = await must(api.GET('/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: String(PAGE), cursor } } }));
    setOlder({ data: [...(older?.data ?? []), ...next.data], nextCursor: next.nextCursor });
  }

  const endRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const lastId = newest[0]?.id;
  useEffect(() => endRef.current?.scrollIntoView({ block: 'end' }), [lastId]);
  // A photo that finishes loading grows the list: stay at the bottom if the reader was there.
  useEffect(() => {
    const list = listRef.current;
    const box = list?.parentElement;
    if (!list || !box) return;
    let atBottom = true;
    const onScroll = () => (atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48);
    const observer = new ResizeObserver(() => atBottom && endRef.current?.scrollIntoView({ block: 'end' }));
    box.addEventListener('scroll', onScroll);
    observer.observe(list);
    return () => {
      box.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [id]);

  const title = conversation ? contactName(conversation) : id;
  return (
    <article class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-head">
        <a class="back" href={href('inbox')} onClick={(e) => onLinkClick(e, 'inbox')}>
          ← <span class="sr-only">{t('back')}</span>
        </a>
        <div class="grow">
          <h2 id="conversation-title">{title}</h2>
          {conversation && (
            <p class="muted small">
              {conversation.name && conversation.phone && `+${conversation.phone} · `}
              {conversation.paused && conversation.pausedUntil ? t('pausedUntil', { time: formatTime(conversation.pausedUntil) }) : t('agentOn')}
            </p>
          )}
          {conversation?.needsHuman && (
            <p class="small">
              <span class="badge">{t('needsHuman')}</span> {t('needsHumanSince')}
            </p>
          )}
        </div>
        {conversation && <PauseButton conversation={conversation} onChanged={onChanged} />}
      </header>
      {error && <Problem error={error} onRetry={() => void mutate()} />}
      {!page && !error && <Loading />}
      {/* A scrollable region a keyboard can reach; new messages are announced politely. */}
      <div class="messages" role="log" tabIndex={0} aria-live="polite" aria-label={t('messages')}>
        {cursor && (
          <button type="button" class="quiet" onClick={() => void loadOlder()}>
            {t('olderMessages')}
          </button>
        )}
        <ol ref={listRef}>
          {messages.map((m) => (
            <MessageItem key={m.id} message={m} />
          ))}
        </ol>
        <div ref={endRef} />
      </div>
      <ReplyBox id={id} onSent={() => { void mutate(); onChanged(); }} />
    </article>
  );
}

function PauseButton({ conversation, onChanged }: { conversation: Schemas['Conversation']; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const params = { params: { path: { id: conversation.id } } };
      await must(conversation.paused ? api.POST('/v1/conversations/{id}/resume', params) : api.POST('/v1/conversations/{id}/pause', { ...params, body: {} }));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <button type="button" onClick={() => void toggle()} disabled={busy}>
        {conversation.paused ? t('resumeAgent') : t('pauseAgent')}
      </button>
      {error !== null && <Problem error={error} />}
    </div>
  );
}

function ReplyBox({ id, onSent }: { id: string; onSent: () => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const ready = Boolean(file || text.trim());

  async function submit(e: Event) {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      let media;
      if (file) {
        try {
          media = await toMedia(file);
        } catch (err) {
          throw new Error(t('fileUnreadable', { name: file.name, reason: err instanceof Error ? err.message : String(err) }));
        }
      }
      await sendHumanReply(id, text, media);
      setText('');
      setFile(null);
      onSent();
    } catch (err) {
      // The API's words: a type WhatsApp does not take for that kind, or a file over MEDIA_MAX_BYTES.
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  function choose(input: HTMLInputElement) {
    setError(null);
    setFile(input.files?.[0] ?? null);
    input.value = '';
  }
  return (
    <form class="reply" onSubmit={submit}>
      {error !== null && <Problem error={error} />}
      {file && (
        <p class="attached small">
          <span>{t('attached', { name: file.name, size: Math.max(1, Math.round(file.size / 1024)) })}</span>{' '}
          <button type="button" class="quiet" onClick={() => setFile(null)}>
            {t('removeFile')}
          </button>
        </p>
      )}
      <div class="row">
        <input ref={fileInput} type="file" class="sr-only" tabIndex={-1} aria-hidden="true" onChange={(e) => choose(e.currentTarget)} />
        <button type="button" class="quiet attach" aria-label={t('attachFile')} title={t('attachFile')} onClick={() => fileInput.current?.click()} disabled={busy}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
          </svg>
        </button>
        <label class="grow">
          <span class="sr-only">{t('message')}</span>
          <textarea
            aria-label={t('message')}
            placeholder={t('message')}
            rows={2}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter is a new line, as in WhatsApp Web.
              if (e.key === 'Enter' && !e.shiftKey) void submit(e);
            }}
          />
        </label>
        <button type="submit" disabled={busy || !ready}>
          {busy ? t('sending') : t('send')}
        </button>
      </div>
    </form>
  );
}
