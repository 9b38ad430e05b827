import type { Schemas } from '../api/client.ts';
import { lang, t } from '../i18n.ts';

type Replies = Schemas['Usage']['replies'];
type Cost = Schemas['UsageCost'];
type ReplyMetrics = Schemas['ReplyMetrics'];

/** The roadmap's targets: an AI reply within 3 s, fewer than 0.1 % errors. */
const REPLY_TARGET_MS = 3_000;
const ERROR_TARGET_PERCENT = 0.1;

const number = new Intl.NumberFormat(lang);
const seconds = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 });

const duration = (ms: number | null) => (ms === null ? '—' : ms < 1_000 ? `${number.format(ms)} ms` : `${seconds.format(ms / 1_000)} s`);
const rate = (p: number | null) => (p === null ? '—' : percent.format(p / 100));

/** Money in the configured currency: cents for a total, significant digits for a fraction of a cent. */
function moneyFormat(currency: string) {
  const whole = new Intl.NumberFormat(lang, { style: 'currency', currency });
  const small = new Intl.NumberFormat(lang, { style: 'currency', currency, maximumSignificantDigits: 2 });
  return (n: number | null) => (n === null ? '—' : n === 0 || n >= 0.01 ? whole.format(n) : small.format(n));
}

/** The KPIs of the agent's replies: how fast, how often they fail, what a message costs. */
export function RepliesCard({ replies, cost }: { replies: Replies; cost: Cost }) {
  const money = moneyFormat(cost.currency);
  const { period, today } = replies;
  const over = (ms: number | null) => ms !== null && ms >= REPLY_TARGET_MS;
  const failing = period.errorPercent !== null && period.errorPercent >= ERROR_TARGET_PERCENT;
  const modelUnpriced = cost.prices.modelInputPerMTok === 0 && cost.prices.modelOutputPerMTok === 0;
  return (
    <section class="card wide" aria-labelledby="replies-heading">
      <h2 id="replies-heading">{t('replies')}</h2>
      <p class="small muted">{t('repliesIntro', { currency: cost.currency })}</p>
      <dl class="kpis">
        <div class={over(period.latencyMs.p50) ? 'over' : ''}>
          <dt>{t('replyTime')}</dt>
          <dd class="kpi">{duration(period.latencyMs.p50)}</dd>
          <dd class={over(period.latencyMs.p95) ? 'small warn' : 'small'}>{t('replyTimeP95', { value: duration(period.latencyMs.p95) })}</dd>
          <dd class="small muted">{t('target', { value: duration(REPLY_TARGET_MS) })}</dd>
        </div>
        <div class={failing ? 'over' : ''}>
          <dt>{t('errorRate')}</dt>
          <dd class="kpi">{rate(period.errorPercent)}</dd>
          <dd class="small">{t('errorDetail', { model: number.format(period.modelErrors), send: number.format(period.sendFailures), replies: number.format(period.replies) })}</dd>
          <dd class="small muted">{t('target', { value: rate(ERROR_TARGET_PERCENT) })}</dd>
        </div>
        <div>
          <dt>{t('costPerMessage')}</dt>
          <dd class="kpi">{money(cost.period.perMessage)}</dd>
          <dd class="small">{t('costPerMessageDetail', { count: number.format(cost.period.messages) })}</dd>
        </div>
        <div>
          <dt>{t('costThisMonth')}</dt>
          <dd class="kpi">{money(cost.month.total)}</dd>
          <dd class="small">{t('costToday', { value: money(cost.today.total) })}</dd>
        </div>
      </dl>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <td />
              <th scope="col">{t('last30')}</th>
              <th scope="col">{t('today')}</th>
            </tr>
          </thead>
          <tbody>
            <Row label={t('repliesWritten')} cells={[period, today]} value={(m) => number.format(m.replies)} />
            <Row label={t('replyTimeMedian')} cells={[period, today]} value={(m) => duration(m.latencyMs.p50)} />
            <Row label={t('replyTime95')} cells={[period, today]} value={(m) => duration(m.latencyMs.p95)} />
            <Row label={t('agentTimeMedian')} cells={[period, today]} value={(m) => duration(m.composeMs.p50)} />
            <Row label={t('agentTime95')} cells={[period, today]} value={(m) => duration(m.composeMs.p95)} />
            <Row label={t('modelErrors')} cells={[period, today]} value={(m) => number.format(m.modelErrors)} />
            <Row label={t('sendFailures')} cells={[period, today]} value={(m) => number.format(m.sendFailures)} />
            <Row label={t('errorRate')} cells={[period, today]} value={(m) => rate(m.errorPercent)} />
            <Row label={t('cost')} cells={[cost.period, cost.today]} value={(c) => money(c.total)} />
            <Row label={t('costPerMessage')} cells={[cost.period, cost.today]} value={(c) => money(c.perMessage)} />
          </tbody>
        </table>
      </div>
      <p class="small muted">{t('replyTimeNote')}</p>
      <p class="small muted">
        {t('costNote')}
        {modelUnpriced && ` ${t('modelUnpriced')}`}
      </p>
    </section>
  );
}

function Row<T extends ReplyMetrics | Cost['period']>({ label, cells, value }: { label: string; cells: [T, T]; value: (cell: T) => string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{value(cells[0])}</td>
      <td>{value(cells[1])}</td>
    </tr>
  );
}
