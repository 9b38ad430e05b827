import { useState } from 'preact/hooks';
import useSWR from 'swr';
import { api, CONSOLE_HEADERS, must, type Schemas } from '../api/client.ts';
import { Loading, Problem } from '../components/problem.tsx';
import { SecretOnce } from '../components/secret-once.tsx';
import { formatTime, t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { ProfilePicker } from './agent-profile-picker.tsx';
import { draftOf, toolsOf, ToolsEditor, type ToolDraft } from './agent-tools-editor.tsx';
import { TryIt } from './agent-try-it.tsx';
import { RulesEditor } from './rules-editor.tsx';

type Settings = Schemas['AgentSettings'];
/** The fields this page edits: only these are sent, so a field the API adds later is never sent back blindly. */
const EDITED = ['instructions', 'fallbackText', 'rules', 'model', 'temperature', 'maxOutputTokens', 'historyLimit', 'burstWindowMs', 'humanPauseMinutes', 'replyToGroups', 'markReadOnReply'] as const;
type Form = Pick<Settings, (typeof EDITED)[number]>;
const formOf = (s: Settings): Form => Object.fromEntries(EDITED.map((k) => [k, s[k]])) as Form;
const profileQuery = (sessionId: string | undefined) => ({ query: sessionId ? { sessionId } : {} });

/**
 * The playground is there (local mode, `npm run dev`) when /api/health lists its WhatsApp session:
 * the socket-host holds a `playground` session only when it was started with the playground.
 */
async function hasPlayground(): Promise<boolean> {
  const res = await fetch('/api/health', { headers: CONSOLE_HEADERS, cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as { whatsapp?: { id: string }[] };
  return (body.whatsapp ?? []).some((s) => s.id === 'playground');
}

/** Why the numbers are not offered: a key without keys:admin, or the API's words (the socket-host is down…). */
const sessionsProblem = (error: unknown) =>
  (error as { status?: number }).status === 403 ? t('numbersNeedAdmin') : t('numbersUnavailable', { message: error instanceof Error ? error.message : String(error) });

/** `sessionId` (from /console/agent/{sessionId}): the number whose profile is edited; none: the default profile. */
export function AgentPage({ sessionId }: { sessionId?: string }) {
  const sessions = useSWR('sessions', () => must(api.GET('/v1/sessions')), { revalidateOnFocus: false });
  const { data: local } = useSWR('playground-here', hasPlayground, { revalidateOnFocus: false });
  // Read once, not polled: an edit in progress must not be overwritten under the person typing.
  const { data, error, mutate } = useSWR(['agent', sessionId ?? ''], () => must(api.GET('/v1/agent', { params: profileQuery(sessionId) })), { revalidateOnFocus: false });
  // A removed profile re-seeds the form from the default one it falls back to.
  const [generation, setGeneration] = useState(0);
  const [removed, setRemoved] = useState<string | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const own = data !== undefined && (sessionId === undefined || data.sessionId === sessionId);

  async function removeProfile() {
    if (!sessionId || !confirm(t('confirmRemoveProfile', { id: sessionId }))) return;
    setRemoveError(null);
    try {
      await must(api.DELETE('/v1/agent', { params: { query: { sessionId } } }));
      await mutate();
      setGeneration((g) => g + 1);
      setRemoved(sessionId);
    } catch (err) {
      setRemoveError(err);
    }
  }

  const select = (id: string | undefined) => {
    setRemoved(null);
    navigate(id ? `agent/${encodeURIComponent(id)}` : 'agent');
  };
  return (
    <section class={`page agent-page${local ? ' with-try-it' : ''}`}>
      <h1>{t('agent')}</h1>
      <p class="muted">{t('agentIntro')}</p>
      <ProfilePicker sessions={sessions.data?.data} selected={sessionId} onSelect={select} />
      {sessions.error && <p class="note small">{sessionsProblem(sessions.error)}</p>}
      <div class="agent-layout">
        <div class="agent-settings">
          {data && (
            <div class="profile-state">
              <p class="small">{sessionId === undefined ? t('defaultProfileNote') : own ? t('ownProfileNote', { id: sessionId }) : t('usesDefaultNote', { id: sessionId })}</p>
              {sessionId !== undefined && own && (
                <button type="button" class="danger" onClick={() => void removeProfile()}>
                  {t('removeProfile')}
                </button>
              )}
              {removed && (
                <p role="status" class="small">
                  {t('profileRemoved', { id: removed })}
                </p>
              )}
              {removeError !== null && <Problem error={removeError} />}
            </div>
          )}
          {error && <Problem error={error} onRetry={() => void mutate()} />}
          {!data && !error && <Loading />}
          {data && <AgentForm key={`${sessionId ?? ''}#${generation}`} settings={data} sessionId={sessionId} onSaved={(s) => void mutate(s, { revalidate: false })} />}
        </div>
        {local && <TryIt />}
      </div>
    </section>
  );
}

function AgentForm({ settings, sessionId, onSaved }: { settings: Settings; sessionId: string | undefined; onSaved: (s: Settings) => void }) {
  // Seeded once from what the API has; after a save, from what it answered.
  const [form, setForm] = useState<Form>(() => formOf(settings));
  const [tools, setTools] = useState<ToolDraft[]>(() => settings.tools.map(draftOf));
  const [invalidTools, setInvalidTools] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  // What the profile was when last read or saved: whether the next save makes its tools secret.
  const [before, setBefore] = useState(settings);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setSaved(false);
    setForm((f) => ({ ...f, [key]: value }));
  };

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    setSecret(null);
    const checked = toolsOf(tools);
    setInvalidTools(new Set(checked.problems.map((p) => p.index)));
    if (checked.problems.length) {
      setError(new Error(checked.problems.map((p) => p.message).join(' ')));
      return;
    }
    setBusy(true);
    try {
      const next = await must(api.PUT('/v1/agent', { params: profileQuery(sessionId), body: { ...form, tools: checked.tools } }));
      // The secret is made with the profile (a number's first save, or the default's first change);
      // it is shown then, and when the profile gets its first tool, which is when the team needs it.
      const created = before.updatedAt === null || before.sessionId !== (sessionId ?? null);
      if (created || (before.tools.length === 0 && next.tools.length > 0)) setSecret(next.toolsSecret);
      setForm(formOf(next));
      setTools(next.tools.map(draftOf));
      setBefore(next);
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const int = (v: string) => (v === '' ? Number.NaN : Math.round(Number(v)));
  const { updatedAt } = before;
  return (
    <form class="agent card" onSubmit={submit}>
      <p class="muted small">{updatedAt ? t('lastChanged', { time: formatTime(updatedAt) }) : t('neverChanged')}</p>
      <Field id="instructions" label={t('instructions')}>
        <textarea id="instructions" rows={8} required value={form.instructions} onInput={(e) => set('instructions', e.currentTarget.value)} />
      </Field>
      <Field id="fallback" label={t('fallbackText')} help={t('fallbackHelp')}>
        <textarea id="fallback" rows={2} required value={form.fallbackText} onInput={(e) => set('fallbackText', e.currentTarget.value)} aria-describedby="fallback-help" />
      </Field>
      <RulesEditor rules={form.rules} onChange={(rules) => set('rules', rules)} />
      <ToolsEditor
        tools={tools}
        invalid={invalidTools}
        onChange={(next) => {
          setSaved(false);
          setTools(next);
        }}
      />
      <div class="grid">
        <Field id="model" label={t('model')} help={t('modelHelp')}>
          <input id="model" value={form.model ?? ''} onInput={(e) => set('model', e.currentTarget.value.trim() || null)} aria-describedby="model-help" />
        </Field>
        <Field id="temperature" label={t('temperature')} help={t('temperatureHelp')}>
          <input
            id="temperature"
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={form.temperature ?? ''}
            onInput={(e) => set('temperature', e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
            aria-describedby="temperature-help"
          />
        </Field>
        <Field id="max-tokens" label={t('maxOutputTokens')}>
          <input id="max-tokens" type="number" min={16} max={8192} required value={form.maxOutputTokens} onInput={(e) => set('maxOutputTokens', int(e.currentTarget.value))} />
        </Field>
        <Field id="history" label={t('historyLimit')}>
          <input id="history" type="number" min={1} max={200} required value={form.historyLimit} onInput={(e) => set('historyLimit', int(e.currentTarget.value))} />
        </Field>
        <Field id="burst" label={t('burstWindow')} help={t('burstHelp')}>
          <input id="burst" type="number" min={0} max={30000} step={100} required value={form.burstWindowMs} onInput={(e) => set('burstWindowMs', int(e.currentTarget.value))} aria-describedby="burst-help" />
        </Field>
        <Field id="pause" label={t('humanPause')} help={t('humanPauseHelp')}>
          <input id="pause" type="number" min={1} max={43200} required value={form.humanPauseMinutes} onInput={(e) => set('humanPauseMinutes', int(e.currentTarget.value))} aria-describedby="pause-help" />
        </Field>
      </div>
      <label class="check">
        <input type="checkbox" checked={form.replyToGroups} onChange={(e) => set('replyToGroups', e.currentTarget.checked)} /> {t('replyToGroups')}
      </label>
      <label class="check">
        <input type="checkbox" checked={form.markReadOnReply} onChange={(e) => set('markReadOnReply', e.currentTarget.checked)} /> {t('markReadOnReply')}
      </label>
      {error !== null && <Problem error={error} />}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('save')}
        </button>
        {saved && <span role="status">{t('saved')}</span>}
      </div>
      {secret && <SecretOnce label={t('toolsSecret')} secret={secret} note={t('toolsSecretNote')} />}
    </form>
  );
}

function Field({ id, label, help, children }: { id: string; label: string; help?: string; children: preact.ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {help && (
        <p id={`${id}-help`} class="muted small">
          {help}
        </p>
      )}
    </div>
  );
}
