import { useEffect, useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { useAction } from '../components/use-action.ts';
import { useBlobUrl } from '../components/use-blob-url.ts';
import { t } from '../i18n.ts';
import { pollOptions } from '../polling.ts';
import { sessionWords } from './session-state.ts';

export function NumbersPage() {
  const { data, error, mutate } = useSWR('sessions', () => must(api.GET('/v1/sessions')), pollOptions);
  return (
    <section class="page">
      <h1>{t('numbers')}</h1>
      <p class="muted">{t('numbersIntro')}</p>
      {error && <Problem error={error} onRetry={() => void mutate()} />}
      {!data && !error && <Loading />}
      {data?.data.length === 0 && <p class="card">{t('noNumbers')}</p>}
      <ul class="numbers">
        {data?.data.map((session) => (
          <li key={session.id}>
            <NumberCard session={session} onChanged={() => void mutate()} />
          </li>
        ))}
      </ul>
      {data && <AddNumber onAdded={() => void mutate()} />}
    </section>
  );
}

/** The API's id rule (letters, digits, - and _), checked by the browser before the request. */
const ID_PATTERN = '[A-Za-z0-9_\\-]{1,64}';

function AddNumber({ onAdded }: { onAdded: () => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function submit(e: Event) {
    e.preventDefault();
    setAdded(null);
    await run(async () => {
      const number = await must(api.POST('/v1/sessions', { body: { id, ...(name.trim() ? { name: name.trim() } : {}) } }));
      setAdded(number.id);
      setId('');
      setName('');
      onAdded();
    });
  }

  return (
    <section class="card add-number" aria-labelledby="add-number-heading">
      <h2 id="add-number-heading">{t('addNumber')}</h2>
      <p class="muted small">{t('addNumberIntro')}</p>
      <form class="create" onSubmit={submit}>
        <label for="number-id">{t('numberId')}</label>
        <input
          id="number-id"
          required
          pattern={ID_PATTERN}
          maxLength={64}
          autoComplete="off"
          spellcheck={false}
          aria-describedby="number-id-hint"
          value={id}
          onInput={(e) => setId(e.currentTarget.value)}
        />
        <p id="number-id-hint" class="muted small">
          {t('numberIdHint')}
        </p>
        <label for="number-name">{t('numberName')}</label>
        <input id="number-name" maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {error !== null && <Problem error={error} />}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {t('addNumberButton')}
          </button>
        </div>
        {added && <p role="status">{t('numberAdded', { id: added })}</p>}
      </form>
    </section>
  );
}

function NumberCard({ session, onChanged }: { session: Schemas['Session']; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const [pairing, setPairing] = useState(false);
  const [now, setNow] = useState(Date.now());
  // "retrying in 14 s" counts down between polls.
  useEffect(() => {
    if (session.status !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [session.status]);

  async function act(action: 'restart' | 'logout' | 'remove') {
    if (action === 'logout' && !confirm(t('confirmLogout', { id: session.id }))) return;
    if (action === 'remove' && !confirm(t('confirmRemove', { id: session.id }))) return;
    await run(async () => {
      const params = { params: { path: { id: session.id } } };
      if (action === 'remove') await must(api.DELETE('/v1/sessions/{id}', params));
      else await must(action === 'restart' ? api.POST('/v1/sessions/{id}/restart', params) : api.POST('/v1/sessions/{id}/logout', params));
      onChanged();
    });
  }

  const headingId = `number-${session.id}`;
  return (
    <article class="card number" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {session.name ?? session.id}
        {session.name && <span class="muted small"> · {session.id}</span>}
      </h2>
      <p class={`state state-${session.status}`}>{sessionWords(session, now)}</p>
      {session.status === 'qr' && <QrCode id={session.id} />}
      <div class="actions">
        <button type="button" aria-expanded={pairing} onClick={() => setPairing(!pairing)} disabled={session.status === 'open'}>
          {t('pairingCode')}
        </button>
        <button type="button" onClick={() => void act('restart')} disabled={busy}>
          {t('restart')}
        </button>
        <button type="button" class="danger" onClick={() => void act('logout')} disabled={busy}>
          {t('logOut')}
        </button>
        {/* Only numbers added here: one from WA_SESSIONS would come back with the next deploy. */}
        {session.addedAt && (
          <button type="button" class="danger" aria-label={`${t('remove')} ${session.id}`} onClick={() => void act('remove')} disabled={busy}>
            {t('remove')}
          </button>
        )}
      </div>
      {pairing && <PairingForm id={session.id} />}
      {error !== null && <Problem error={error} />}
    </article>
  );
}

/** WhatsApp replaces the code about every 20 s: fetch it again every 5 s while the number waits. */
const QR_REFRESH_MS = 5_000;

function QrCode({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && setVersion((v) => v + 1), QR_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const { url, error } = useBlobUrl(`/v1/sessions/${encodeURIComponent(id)}/qr.png`, version);
  return (
    <figure class="qr">
      {url ? <img src={url} alt={t('qrCode')} width={264} height={264} /> : !error && <Loading />}
      {error !== null && <Problem error={error} />}
      <figcaption class="muted">{t('qrHelp')}</figcaption>
    </figure>
  );
}

function PairingForm({ id }: { id: string }) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const inputId = `pairing-phone-${id}`;

  async function submit(e: Event) {
    e.preventDefault();
    await run(async () => {
      const answer = await must(api.POST('/v1/sessions/{id}/pairing-code', { params: { path: { id } }, body: { phone } }));
      setCode(answer.code);
    });
  }

  return (
    <form class="pairing" onSubmit={submit}>
      <label for={inputId}>{t('pairingPhone')}</label>
      <div class="row">
        <input id={inputId} inputMode="tel" autoComplete="tel" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          {t('getCode')}
        </button>
      </div>
      {code && (
        <p role="status">
          {t('pairingResult')} <strong class="code">{code}</strong>
        </p>
      )}
      {error !== null && <Problem error={error} />}
    </form>
  );
}
