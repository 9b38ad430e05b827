import type { Schemas } from '../api/client.ts';
import { t } from '../i18n.ts';

type Rule = Schemas['AgentRule'];
const MATCHES: Rule['match'][] = ['contains', 'equals', 'starts_with', 'regex'];

/** Keyword rules as rows: match kind, pattern, reply; the API checks that a regex compiles. */
export function RulesEditor({ rules, onChange }: { rules: Rule[]; onChange: (rules: Rule[]) => void }) {
  const update = (i: number, patch: Partial<Rule>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class="rules">
      <legend>{t('rules')}</legend>
      <p class="muted small">{t('rulesHelp')}</p>
      {rules.map((rule, i) => (
        <div class="rule" key={i}>
          <label>
            <span class="small">{t('ruleMatch')}</span>
            <select value={rule.match} onChange={(e) => update(i, { match: e.currentTarget.value as Rule['match'] })}>
              {MATCHES.map((m) => (
                <option key={m} value={m}>
                  {m.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span class="small">{t('rulePattern')}</span>
            <input required value={rule.pattern} onInput={(e) => update(i, { pattern: e.currentTarget.value })} />
          </label>
          <label class="grow">
            <span class="small">{t('ruleReply')}</span>
            <input required value={rule.reply} onInput={(e) => update(i, { reply: e.currentTarget.value })} />
          </label>
          <button type="button" class="quiet" aria-label={`${t('removeRule')} ${i + 1}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" class="quiet" onClick={() => onChange([...rules, { match: 'contains', pattern: '', reply: '' }])}>
        + {t('addRule')}
      </button>
    </fieldset>
  );
}
