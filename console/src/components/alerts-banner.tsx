import useSWR from 'swr';
import { api, must, type Schemas } from '../api/client.ts';
import { formatTime, lang } from '../i18n.ts';
import './alerts-banner.css';
import { ALERTS_POLL_MS } from './alerts-poll.ts';
import { RunbookText, runbookSection, useRunbook } from './alerts-runbook.tsx';

const WORDS = {
  en: {
    heading: (n: number) => (n === 1 ? '1 problem needs attention' : `${n} problems need attention`),
    since: (time: string) => `since ${time}`,
    waiting: 'the team is told once it lasts 5 minutes',
    howToFix: 'How to fix it',
    region: 'Alerts',
  },
  'pt-BR': {
    heading: (n: number) => (n === 1 ? '1 problema precisa de atenção' : `${n} problemas precisam de atenção`),
    since: (time: string) => `desde ${time}`,
    waiting: 'a equipe é avisada se durar 5 minutos',
    howToFix: 'Como resolver',
    region: 'Alertas',
  },
} as const;

/** The conditions holding now, above every page, each with its sentence and its runbook section. */
export function AlertsBanner() {
  const { data } = useSWR('alerts', () => must(api.GET('/v1/alerts')), {
    refreshInterval: ALERTS_POLL_MS,
    refreshWhenHidden: false,
    revalidateOnFocus: true,
    // A key without usage:read or keys:admin cannot read them: the banner stays away, the pages work.
    onError: () => undefined,
  });
  const open = data?.open ?? [];
  if (open.length === 0) return null;
  return <OpenAlerts open={open} />;
}

function OpenAlerts({ open }: { open: Schemas['Alert'][] }) {
  const runbook = useRunbook();
  const w = WORDS[lang];
  return (
    <section class="alerts-banner" aria-label={w.region} aria-live="polite">
      <h2>{w.heading(open.length)}</h2>
      <ul>
        {open.map((a) => (
          <AlertItem key={a.key} alert={a} runbook={runbook} />
        ))}
      </ul>
    </section>
  );
}

function AlertItem({ alert, runbook }: { alert: Schemas['Alert']; runbook: string | undefined }) {
  const w = WORDS[lang];
  const section = runbook === undefined ? undefined : runbookSection(runbook, alert.runbook.split('#')[1] ?? '');
  return (
    <li data-alert={alert.key}>
      <span class="alert-title">{alert.title}</span>
      <span class="small muted">
        {' · '}
        {w.since(formatTime(alert.openedAt))}
        {alert.notifiedAt === null && ` · ${w.waiting}`}
      </span>
      <p class="alert-detail">{alert.detail}</p>
      {section && (
        <details>
          <summary>
            {w.howToFix} <span class="small muted">({alert.runbook.split('#')[0]} → {section.heading.replace(/`/g, '')})</span>
          </summary>
          <RunbookText body={section.body} />
        </details>
      )}
    </li>
  );
}
