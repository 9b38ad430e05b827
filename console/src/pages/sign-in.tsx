import { useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import { Problem } from '../components/problem.tsx';
import { t } from '../i18n.ts';
import { forgetKey, saveKey } from '../session.ts';

/**
 * Signs in by asking the API one cheap question with the key. 401 (unknown or revoked key) is a failed
 * sign-in, shown in the API's words; 403 means a real key without conversations:read, which may
 * still use the pages its scopes allow.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    saveKey(key.trim());
    try {
      await must(api.GET('/v1/conversations', { params: { query: { limit: '1' } } }));
      onSignedIn();
    } catch (err) {
      if ((err as { status?: number }).status === 403) return onSignedIn();
      forgetKey();
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form onSubmit={submit} class="card">
        <h1>{t('appName')}</h1>
        <label for="api-key">{t('apiKey')}</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="api-key-hint"
        />
        <p id="api-key-hint" class="muted">
          {t('signInHint')}
        </p>
        <button type="submit" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
        {error !== null && <Problem error={error} />}
      </form>
    </main>
  );
}
