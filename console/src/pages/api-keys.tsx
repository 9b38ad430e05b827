import { useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { SecretOnce } from '../components/secret-once.tsx';
import { formatTime, t } from '../i18n.ts';
import { readKey } from '../session.ts';

type Scope = Schemas['CreateKey']['scopes'][number];
const SCOPES: Scope[] = ['conversations:read', 'conversations:write', 'messages:write', 'agent:read', 'agent:write', 'webhooks:write', 'usage:read', 'keys:admin'];

/** Keys need keys:admin: a key without it sees why, and no form. */
export function ApiKeys() {
  const { data, error, mutate } = useSWR('keys', () => must(api.GET('/v1/keys')));
  const forbidden = (error as { status?: number } | undefined)?.status === 403;
  return (
    <section class="card section" aria-labelledby="keys-heading">
      <h2 id="keys-heading">{t('apiKeys')}</h2>
      <p class="muted small">{t('keysIntro')}</p>
      {forbidden && <p class="note">{t('needsAdmin')}</p>}
      {error && !forbidden && <Problem error={error} onRetry={() => void mutate()} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          {data.data.length === 0 && <p class="muted">{t('noKeys')}</p>}
          <ul class="rows">
            {data.data.map((key) => (
              <KeyRow key={key.id} apiKey={key} onChanged={() => void mutate()} />
            ))}
          </ul>
          <CreateKey onCreated={() => void mutate()} />
        </>
      )}
    </section>
  );
}

function KeyRow({ apiKey, onChanged }: { apiKey: Schemas['ApiKey']; onChanged: () => void }) {
  const [error, setError] = useState<unknown>(null);
  async function revoke() {
    if (!confirm(t('confirmRevoke', { name: apiKey.name }))) return;
    try {
      await must(api.DELETE('/v1/keys/{id}', { params: { path: { id: apiKey.id } } }));
      onChanged();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <li class={apiKey.revokedAt ? 'revoked' : ''}>
      <div class="grow">
        <strong>{apiKey.name}</strong> <code>{apiKey.prefix}</code>
        {readKey()?.startsWith(apiKey.prefix.replace(/…$/, '')) && <span class="badge info">{t('thisKey')}</span>}
        <p class="small muted">
          {apiKey.scopes.join(', ')} · {apiKey.revokedAt ? t('revoked') : apiKey.lastUsedAt ? t('lastUsed', { time: formatTime(apiKey.lastUsedAt) }) : t('neverUsed')}
        </p>
        {error !== null && <Problem error={error} />}
      </div>
      {!apiKey.revokedAt && (
        <button type="button" class="danger" aria-label={`${t('revoke')} ${apiKey.name}`} onClick={() => void revoke()}>
          {t('revoke')}
        </button>
      )}
    </li>
  );
}

function CreateKey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['conversations:read']);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const key = await must(api.POST('/v1/keys', { body: { name, scopes } }));
      setCreated(key.key);
      setName('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form class="create" onSubmit={submit}>
      <label for="key-name">{t('keyName')}</label>
      <input id="key-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <fieldset>
        <legend>{t('scopes')}</legend>
        <div class="checks">
          {SCOPES.map((scope) => (
            <label key={scope} class="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
              />
              <code>{scope}</code>
            </label>
          ))}
        </div>
      </fieldset>
      {error !== null && <Problem error={error} />}
      <div class="actions">
        <button type="submit">{t('createKey')}</button>
      </div>
      {created && <SecretOnce label={t('apiKey')} secret={created} note={t('secretOnce')} />}
    </form>
  );
}
