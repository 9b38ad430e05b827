import type { Schemas } from '../api/client.ts';
import { lang, t } from '../i18n.ts';

const W = 600;
const H = 140;

/**
 * Customer messages received per day as bars in an inline SVG: no chart library for one series.
 * The image's name says the total and the busiest day; each bar's title names its day and count.
 */
export function UsageChart({ days }: { days: Schemas['UsageDay'][] }) {
  const counts = days.map((d) => d.metrics['messages.received'] ?? 0);
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const gap = 2;
  const bar = W / Math.max(1, days.length) - gap;
  const dayLabel = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const first = days[0];
  const last = days.at(-1);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('chartLabel', { total, max: Math.max(...counts, 0) })} preserveAspectRatio="none">
        {days.map((d, i) => {
          const h = (counts[i]! / max) * (H - 4);
          return (
            <rect key={d.day} x={i * (bar + gap)} y={H - h} width={bar} height={Math.max(h, 1)} rx={2}>
              <title>{`${d.day}: ${counts[i]}`}</title>
            </rect>
          );
        })}
      </svg>
      {first && last && (
        <figcaption class="small muted axis">
          <span>{dayLabel.format(new Date(first.day))}</span>
          <span>{t('metric_messages_received')}</span>
          <span>{dayLabel.format(new Date(last.day))}</span>
        </figcaption>
      )}
    </figure>
  );
}
