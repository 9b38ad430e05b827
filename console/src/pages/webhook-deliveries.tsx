import { useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { formatTime, t } from '../i18n.ts';
import { POLL_MS } from '../polling.ts';

/** A subscription's recent deliveries, each with its attempts, and a way to send one again. Read while open. */
export function WebhookDeliveries({ hookId }: { hookId: string }) {
  // Polled only while a delivery is still on its way, to show how it ends.
  const { data, error, mutate } = useSWR(
    ['deliveries', hookId],
    () => must(api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: hookId }, query: { limit: '20' } } })),
    { refreshInterval: (latest) => (latest?.data.some((d) => d.status === 'pending' || d.status === 'retrying') ? POLL_MS : 0) },
  );
  if (error) return <Problem error={error} onRetry={() => void mutate()} />;
  if (!data) return <Loading />;
  if (data.data.length === 0) return <p class="muted small">{t('noDeliveries')}</p>;
  return (
    <ol class="deliveries" aria-label={t('deliveries')}>
      {data.data.map((d) => (
        <DeliveryItem key={d.id} hookId={hookId} delivery={d} onRedelivered={() => void mutate()} />
      ))}
    </ol>
  );
}

function DeliveryItem({ hookId, delivery: d, onRedelivered }: { hookId: string; delivery: Schemas['WebhookDelivery']; onRedelivered: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState(false);
  async function redeliver() {
    setError(null);
    try {
      await must(api.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id: hookId, deliveryId: d.id } } }));
      setQueued(true);
      onRedelivered();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <li>
      <div class="grow">
        <code>{d.event}</code> · <span class={d.status === 'failed' ? 'warn' : ''}>{d.status}</span> · <span class="small muted">{formatTime(d.createdAt)}</span>
        <ul class="attempts small muted">
          {d.attempts.map((a) => (
            <li key={a.attempt}>
              #{a.attempt} {formatTime(a.at)}: {a.statusCode ?? ''} {a.error ?? ''}
            </li>
          ))}
        </ul>
        {error !== null && <Problem error={error} />}
      </div>
      <button type="button" class="quiet" aria-label={`${t('redeliver')} ${d.event} ${formatTime(d.createdAt)}`} onClick={() => void redeliver()}>
        {t('redeliver')}
      </button>
      {queued && <span role="status">{t('redeliveryQueued')}</span>}
    </li>
  );
}
