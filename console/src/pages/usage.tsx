import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { hasWord, lang, t } from '../i18n.ts';
import { UsageChart } from './usage-chart.tsx';
import { RepliesCard } from './usage-replies.tsx';

const number = new Intl.NumberFormat(lang);

export function UsagePage() {
  // Not polled: counts are written every few seconds and read on focus, enough for a page one glances at.
  const { data, error, mutate } = useSWR('usage', () => must(api.GET('/v1/usage', { params: { query: { days: '30' } } })));
  return (
    <section class="page">
      <h1>{t('usage')}</h1>
      <p class="muted">{t('usageIntro')}</p>
      {error && <Problem error={(error as { status?: number }).status === 403 ? new Error(t('needsAdmin')) : error} onRetry={() => void mutate()} />}
      {!data && !error && <Loading />}
      {data && <UsageReport usage={data} />}
    </section>
  );
}

function UsageReport({ usage }: { usage: Schemas['Usage'] }) {
  // The console's own requests are among the function requests (Workers requests): shown beside them.
  const consoleToday = usage.today.metrics['console.requests'] ?? 0;
  return (
    <div class="usage">
      <RepliesCard replies={usage.replies} cost={usage.cost} />
      <section class="card" aria-labelledby="limits-heading">
        <h2 id="limits-heading">{t('freeTierShare')}</h2>
        <ul class="limits">
          {usage.limits.map((l) => (
            <li key={l.tier}>
              <label for={`limit-${l.tier}`}>{l.tier}</label>
              <progress id={`limit-${l.tier}`} max={100} value={Math.min(100, l.percent)} class={l.percent >= 80 ? 'high' : ''} />
              <span class="small muted">
                {t('usedOf', { used: number.format(l.used), limit: number.format(l.limit), period: t(l.period), percent: l.percent })}
                {l.tier === 'Workers requests' && consoleToday > 0 && ` · ${t('consoleShare', { count: number.format(consoleToday) })}`}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="today-heading">
        <h2 id="today-heading">{t('today')}</h2>
        <dl class="metrics">
          {todayInOrder(usage.today.metrics).map(([metric, value]) => (
            <div key={metric}>
              <dt>{metricName(metric)}</dt>
              <dd>{number.format(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="card wide" aria-labelledby="days-heading">
        <h2 id="days-heading">{t('last30')}</h2>
        <UsageChart days={usage.days} />
      </section>
      <section class="card wide" aria-labelledby="projection-heading">
        <h2 id="projection-heading">{t('projection')}</h2>
        {usage.freeTiers ? <Projection projection={usage.freeTiers} /> : <p class="muted">{t('noProjection')}</p>}
      </section>
    </div>
  );
}

function Projection({ projection }: { projection: NonNullable<Schemas['FreeTierProjection']> }) {
  return (
    <>
      <p>{t('projectionText', { perDay: number.format(projection.messagesPerDay), tier: projection.bindsFirst })}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('tierCol')}</th>
              <th scope="col">{t('limitCol')}</th>
              <th scope="col">{t('perMessageCol')}</th>
              <th scope="col">{t('perDayCol')}</th>
            </tr>
          </thead>
          <tbody>
            {projection.tiers.map((tier) => (
              <tr key={tier.tier} class={tier.tier === projection.bindsFirst ? 'binds' : ''}>
                <th scope="row">{tier.tier}</th>
                <td>{tier.limit}</td>
                <td>{tier.perMessage === null ? '—' : number.format(tier.perMessage)}</td>
                <td>{tier.messagesPerDay === null ? '—' : number.format(tier.messagesPerDay)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Today's counts by name, with the console's requests right after the function requests they are part of. */
function todayInOrder(metrics: Record<string, number>): [string, number][] {
  const rest = Object.entries(metrics).filter(([m]) => m !== 'console.requests');
  const at = rest.findIndex(([m]) => m === 'functions.requests');
  if (metrics['console.requests'] !== undefined) rest.splice(at < 0 ? rest.length : at + 1, 0, ['console.requests', metrics['console.requests']]);
  return rest;
}

/** `messages.received` → "Messages received"; a metric the console does not know yet shows its own name. */
export function metricName(metric: string): string {
  const key = `metric_${metric.replace(/\./g, '_')}`;
  return hasWord(key) ? t(key) : metric;
}
