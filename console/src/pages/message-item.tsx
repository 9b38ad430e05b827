import { useState } from 'preact/hooks';
import { fetchBlob, type Schemas } from '../api/client.ts';
import { Problem } from '../components/problem.tsx';
import { useBlobUrl } from '../components/use-blob-url.ts';
import { formatTime, hasWord, t, type WordKey } from '../i18n.ts';

const AUTHOR: Record<Schemas['Message']['author'], WordKey> = { customer: 'customer', agent: 'agentAuthor', human: 'human', api: 'apiAuthor' };

/** Statuses the API may add later read as they come, untranslated rather than hidden. */
function statusWord(status: string): string {
  const key = `status_${status}`;
  return hasWord(key) ? t(key) : status;
}

export function MessageItem({ message: m }: { message: Schemas['Message'] }) {
  return (
    <li class={`msg ${m.direction} author-${m.author}`}>
      {m.media && <Media message={m} media={m.media} />}
      {m.location && <Location location={m.location} />}
      {m.text && <p class="text">{m.text}</p>}
      {m.transcript && (
        <p class="transcript">
          <span class="muted">{t('transcript')}: </span>
          {m.transcript}
        </p>
      )}
      {m.reactions.length > 0 && <p class="reactions">{m.reactions.map((r) => r.emoji).join(' ')}</p>}
      <p class="meta">
        {t(AUTHOR[m.author])} · {m.direction === 'out' ? `${statusWord(m.status)} · ` : ''}
        <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
        {m.edited && ` · ${t('edited')}`}
        {m.deleted && ` · ${t('deleted')}`}
      </p>
    </li>
  );
}

type MediaInfo = NonNullable<Schemas['Message']['media']>;

function Media({ message, media }: { message: Schemas['Message']; media: MediaInfo }) {
  if (media.state === 'pending') return <p class="muted">{t('mediaPending')}</p>;
  if (media.state === 'unavailable') return <p class="muted">{t('mediaUnavailable', { reason: media.unavailableReason ?? '' })}</p>;
  switch (message.type) {
    case 'image':
    case 'sticker':
      return <InlineMedia url={media.url} kind="img" label={message.text || message.type} />;
    case 'audio':
    case 'voice':
      return <InlineMedia url={media.url} kind="audio" label={message.type} />;
    case 'video':
      return <InlineMedia url={media.url} kind="video" label={message.type} />;
    default:
      return <Download url={media.url} name={media.fileName ?? message.type} size={media.size} />;
  }
}

/** Images, audio and video are fetched with the key as they scroll into a conversation. */
function InlineMedia({ url, kind, label }: { url: string; kind: 'img' | 'audio' | 'video'; label: string }) {
  const { url: blobUrl, error } = useBlobUrl(url);
  if (error) return <Problem error={error} />;
  if (!blobUrl) return <p class="muted">{t('loading')}</p>;
  if (kind === 'img') return <img class="media" src={blobUrl} alt={label} loading="lazy" />;
  if (kind === 'audio') return <audio class="media" controls src={blobUrl} aria-label={label} />;
  return <video class="media" controls src={blobUrl} aria-label={label} />;
}

/** A document downloads only when asked: fetched with the key, then saved under its own name. */
function Download({ url, name, size }: { url: string; name: string; size: number | null }) {
  const [error, setError] = useState<unknown>(null);
  async function save() {
    try {
      const blob = await fetchBlob(url);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <p class="document">
      <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round">
        <path d="M14 3H6v18h12V7z" />
        <path d="M14 3v4h4" />
      </svg>{' '}
      {name}
      {size !== null && <span class="muted"> ({Math.max(1, Math.round(size / 1024))} KiB)</span>}{' '}
      <button type="button" class="quiet" onClick={() => void save()}>
        {t('download')}
      </button>
      {error !== null && <Problem error={error} />}
    </p>
  );
}

function Location({ location }: { location: NonNullable<Schemas['Message']['location']> }) {
  const at = `${location.latitude.toFixed(5)}, ${location.longitude.toFixed(5)}`;
  return (
    <p class="location">
      <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round">
        <path d="M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z" />
        <circle cx="12" cy="10" r="2.5" />
      </svg>{' '}
      {t('location')}: {location.name ?? at}
      {location.address && <span class="muted"> — {location.address}</span>}{' '}
      <a href={`https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}#map=17/${location.latitude}/${location.longitude}`} target="_blank" rel="noreferrer">
        {at}
      </a>
    </p>
  );
}
