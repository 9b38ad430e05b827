import { useEffect, useRef, useState } from 'preact/hooks';
import useSWR from 'swr';
import { ApiProblem, CONSOLE_HEADERS, type Schemas } from '../api/client.ts';
import { Problem } from '../components/problem.tsx';
import { formatTime, t } from '../i18n.ts';
import { tryItPollMs, type Waiting } from './agent-try-it-poll.ts';

type Message = Schemas['Message'];
const FROM_KEY = 'ia_agent.tryItFrom';

/** A made-up customer number for this tab's conversation with the agent; Start over makes a new one. */
const newCustomer = () => `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
function tabCustomer(): string {
  const kept = sessionStorage.getItem(FROM_KEY);
  if (kept) return kept;
  const made = newCustomer();
  sessionStorage.setItem(FROM_KEY, made);
  return made;
}

/**
 * Local mode's playground, the one place the console speaks outside /v1 (docs/console.md says why):
 * `POST /playground/messages` injects a customer message that travels the real path (socket-host →
 * queue → functions → agent → send), and `GET /playground/messages?from=` reads the conversation back.
 * Neither takes a key; both exist only in local mode.
 */
async function playground<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { 'Content-Type': 'application/json', ...CONSOLE_HEADERS }, cache: 'no-store' });
  } catch {
    throw new ApiProblem(0, 'NETWORK', t('networkError'));
  }
  const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (!res.ok) throw new ApiProblem(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

/** The Try it panel: a small chat with the agent as a customer, beside the settings, in local mode. */
export function TryIt() {
  const [from, setFrom] = useState(tabCustomer);
  const [text, setText] = useState('');
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const list = useRef<HTMLOListElement>(null);
  const { data, error, mutate } = useSWR(
    ['try-it', from],
    () => playground<{ data: Message[] }>(`/playground/messages?from=${from}`),
    {
      refreshInterval: (latest) => tryItPollMs(latest?.data, waiting),
      refreshWhenHidden: false,
      revalidateOnFocus: false,
    },
  );
  const messages = data?.data ?? [];
  const writing = tryItPollMs(messages, waiting) > 0;
  // The newest message in view, scrolling the chat only (scrollIntoView would move the page to the panel too).
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages.length]);

  async function send(e: Event) {
    e.preventDefault();
    const typed = text.trim();
    if (!typed) return;
    setSendError(null);
    try {
      await playground('/playground/messages', { method: 'POST', body: JSON.stringify({ from, text: typed }) });
      setText('');
      setWaiting({ since: Date.now(), known: new Set(messages.map((m) => m.id)) });
      void mutate();
    } catch (err) {
      setSendError(err);
    }
  }

  function startOver() {
    const made = newCustomer();
    sessionStorage.setItem(FROM_KEY, made);
    setWaiting(null);
    setFrom(made);
  }

  return (
    <aside class="try-it card" aria-labelledby="try-it-heading">
      <h2 id="try-it-heading">{t('tryIt')}</h2>
      <p class="muted small">{t('tryItIntro', { phone: from })}</p>
      <ol class="try-it-chat" ref={list} aria-label={t('tryItConversation')} aria-live="polite">
        {messages.length === 0 && <li class="muted small">{t('tryItEmpty')}</li>}
        {messages.map((m) => (
          <li key={m.id} class={`bubble ${m.direction}`}>
            <span class="sr-only">{m.direction === 'in' ? t('customer') : t('agentAuthor')}: </span>
            {m.text ?? `[${m.type}]`}
            <span class="small muted" aria-hidden="true">
              {' '}
              {formatTime(m.createdAt)}
            </span>
          </li>
        ))}
      </ol>
      {writing && (
        <p class="small muted" role="status">
          {t('tryItWriting')}
        </p>
      )}
      {error && <Problem error={error} onRetry={() => void mutate()} />}
      {sendError !== null && <Problem error={sendError} />}
      <form class="try-it-form" onSubmit={send}>
        <label for="try-it-text" class="sr-only">
          {t('customerMessage')}
        </label>
        <input id="try-it-text" value={text} placeholder={t('customerMessage')} autocomplete="off" onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">{t('send')}</button>
      </form>
      <button type="button" class="quiet" onClick={startOver}>
        {t('startOver')}
      </button>
    </aside>
  );
}
