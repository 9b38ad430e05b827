import { useState } from 'preact/hooks';
import { SWRConfig } from 'swr';
import { AlertsBanner } from './components/alerts-banner.tsx';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { t, type WordKey } from './i18n.ts';
import { AgentPage } from './pages/agent.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { IntegrationsPage } from './pages/integrations.tsx';
import { KnowledgePage } from './pages/knowledge.tsx';
import { NumbersPage } from './pages/numbers.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { UsagePage } from './pages/usage.tsx';
import { href, onLinkClick, useRoute } from './router.ts';
import { forgetKey, readKey } from './session.ts';

const PAGES: { path: string; word: WordKey }[] = [
  { path: 'inbox', word: 'inbox' },
  { path: 'numbers', word: 'numbers' },
  { path: 'agent', word: 'agent' },
  { path: 'knowledge', word: 'knowledge' },
  { path: 'integrations', word: 'integrations' },
  { path: 'usage', word: 'usage' },
];

export function App() {
  const [signedIn, setSignedIn] = useState(() => readKey() !== null);
  const route = useRoute();
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;

  const signOut = () => {
    forgetKey();
    setSignedIn(false);
  };
  return (
    // A 401 anywhere means the key was revoked meanwhile: back to sign-in instead of errors on every page.
    <SWRConfig value={{ onError: (err: { status?: number }) => err.status === 401 && signOut(), shouldRetryOnError: false }}>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <nav aria-label={t('nav')}>
          {PAGES.map(({ path, word }) => (
            <a
              key={path}
              href={href(path)}
              aria-current={route.page === path ? 'page' : undefined}
              onClick={(e) => onLinkClick(e, path)}
            >
              {t(word)}
            </a>
          ))}
        </nav>
        <button type="button" class="quiet" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <ErrorBoundary>
        <AlertsBanner />
      </ErrorBoundary>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary key={route.page}>
          <Page page={route.page} id={route.id} />
        </ErrorBoundary>
      </main>
    </SWRConfig>
  );
}

function Page({ page, id }: { page: string; id?: string }) {
  switch (page) {
    case 'numbers':
      return <NumbersPage />;
    case 'agent':
      return <AgentPage sessionId={id} />;
    case 'knowledge':
      return <KnowledgePage />;
    case 'integrations':
      return <IntegrationsPage />;
    case 'usage':
      return <UsagePage />;
    default:
      return <InboxPage conversationId={id} />;
  }
}
