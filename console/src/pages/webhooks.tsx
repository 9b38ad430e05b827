import { useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { SecretOnce } from '../components/secret-once.tsx';
import { formatTime, t } from '../i18n.ts';
import { WebhookDeliveries } from './webhook-deliveries.tsx';

type WebhookEvent = Schemas['CreateWebhook']['events'][number];
/** Every event the API offers, in the form's order: a key per event, so one the API adds and this page lacks fails the typecheck. */
const EVENT_CHOICES: Record<WebhookEvent, true> = {
  'message.received': true,
  'message.updated': true,
  'message.sent': true,
  'message.status': true,
  'conversation.paused': true,
  'conversation.resumed': true,
  'conversation.handoff': true,
  'session.status': true,
};
const EVENTS = Object.keys(EVENT_CHOICES) as WebhookEvent[];

export function Webhooks() {
  const { data, error, mutate } = useSWR('webhooks', () => must(api.GET('/v1/webhooks')));
  const forbidden = (error as { status?: number } | undefined)?.status === 403;
  return (
    <section class="card section" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">{t('webhooks')}</h2>
      <p class="muted small">{t('webhooksIntro')}</p>
      {forbidden && <p class="note">{t('needsWebhooks')}</p>}
      {error && !forbidden && <Problem error={error} onRetry={() => void mutate()} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          {data.data.length === 0 && <p class="muted">{t('noWebhooks')}</p>}
          <ul class="rows">
            {data.data.map((hook) => (
              <WebhookRow key={hook.id} hook={hook} onChanged={() => void mutate()} />
            ))}
          </ul>
          <CreateWebhook onCreated={() => void mutate()} />
        </>
      )}
    </section>
  );
}

function WebhookRow({ hook, onChanged }: { hook: Schemas['Webhook']; onChanged: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const params = { params: { path: { id: hook.id } } };
  async function act(action: 'remove' | 'resume') {
    if (action === 'remove' && !confirm(t('confirmRemoveWebhook', { url: hook.url }))) return;
    try {
      await must(action === 'remove' ? api.DELETE('/v1/webhooks/{id}', params) : api.POST('/v1/webhooks/{id}/resume', params));
      onChanged();
    } catch (err) {
      setError(err);
    }
  }
  const state = hook.pausedAt
    ? t('webhookPaused', { reason: hook.pausedReason ?? '' })
    : hook.failingSince
      ? t('webhookFailing', { time: formatTime(hook.failingSince), count: hook.consecutiveFailures })
      : t('webhookOk');
  return (
    <li>
      <div class="grow">
        <strong class="url">{hook.url}</strong>
        <p class="small muted">
          {hook.events.join(', ')} · <span class={hook.pausedAt || hook.failingSince ? 'warn' : ''}>{state}</span>
        </p>
        {error !== null && <Problem error={error} />}
      </div>
      <button type="button" class="quiet" aria-expanded={showDeliveries} onClick={() => setShowDeliveries(!showDeliveries)}>
        {t('deliveries')}
      </button>
      {hook.pausedAt && (
        <button type="button" onClick={() => void act('resume')}>
          {t('resume')}
        </button>
      )}
      <button type="button" class="danger" aria-label={`${t('remove')} ${hook.url}`} onClick={() => void act('remove')}>
        {t('remove')}
      </button>
      {showDeliveries && (
        <div class="full">
          <WebhookDeliveries hookId={hook.id} />
        </div>
      )}
    </li>
  );
}

function CreateWebhook({ onCreated }: { onCreated: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['message.received']);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setError(null);
    try {
      const created = await must(api.POST('/v1/webhooks', { body: { url, events } }));
      setSecret(created.secret);
      setUrl('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form class="create" onSubmit={submit}>
      <label for="webhook-url">{t('webhookUrl')}</label>
      <input id="webhook-url" type="url" required placeholder="https://" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      <fieldset>
        <legend>{t('events')}</legend>
        <div class="checks">
          {EVENTS.map((ev) => (
            <label key={ev} class="check">
              <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))} />
              <code>{ev}</code>
            </label>
          ))}
        </div>
      </fieldset>
      {error !== null && <Problem error={error} />}
      <div class="actions">
        <button type="submit">{t('addWebhook')}</button>
      </div>
      {secret && <SecretOnce label={t('signingSecret')} secret={secret} note={t('webhookSecretOnce')} />}
    </form>
  );
}
