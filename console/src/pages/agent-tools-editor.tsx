import type { Schemas } from '../api/client.ts';
import { t } from '../i18n.ts';

type Tool = Schemas['AgentTool'];
/** A tool as the page edits it: the parameters as the JSON text the person types. */
export type ToolDraft = { name: string; description: string; url: string; parameters: string };

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const EMPTY_PARAMETERS = '{\n  "type": "object",\n  "properties": {}\n}';

export const draftOf = (tool: Tool): ToolDraft => ({ ...tool, parameters: JSON.stringify(tool.parameters, null, 2) });

/**
 * The drafts as the API takes them, or what is wrong with them in words. The page checks what only it
 * can (the JSON text, the schema's shape, the name's letters); the API checks the rest (a URL it may call,
 * names used twice) and its message is shown as it is.
 */
export function toolsOf(drafts: ToolDraft[]): { tools: Tool[]; problems: { index: number; message: string }[] } {
  const problems: { index: number; message: string }[] = [];
  const tools = drafts.map((d, index) => {
    const n = index + 1;
    if (!TOOL_NAME.test(d.name)) problems.push({ index, message: t('toolNameProblem', { n }) });
    let parameters: unknown;
    try {
      parameters = JSON.parse(d.parameters);
    } catch (err) {
      problems.push({ index, message: t('toolJsonProblem', { n, error: (err as Error).message }) });
    }
    if (parameters !== undefined && !isObjectSchema(parameters)) problems.push({ index, message: t('toolSchemaProblem', { n }) });
    return { name: d.name, description: d.description, url: d.url, parameters: (parameters ?? {}) as Tool['parameters'] };
  });
  return { tools, problems };
}

function isObjectSchema(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const schema = value as Record<string, unknown>;
  const props = schema.properties;
  return schema.type === 'object' && (props === undefined || (typeof props === 'object' && props !== null && !Array.isArray(props)));
}

/** The team's HTTP tools, each a group of four fields; `handoff_to_human` is built in and not listed. */
export function ToolsEditor({ tools, onChange, invalid }: { tools: ToolDraft[]; onChange: (tools: ToolDraft[]) => void; invalid: Set<number> }) {
  const update = (i: number, patch: Partial<ToolDraft>) => onChange(tools.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <fieldset class="rules tools">
      <legend>{t('tools')}</legend>
      <p class="muted small">{t('toolsHelp')}</p>
      {tools.map((tool, i) => {
        const id = `tool-${i}`;
        const label = t('toolN', { n: i + 1 });
        return (
          <div class="tool" key={i} role="group" aria-label={label}>
            <div class="grid">
              <div class="field">
                <label for={`${id}-name`}>{t('toolName')}</label>
                <input id={`${id}-name`} required value={tool.name} placeholder="order_status" onInput={(e) => update(i, { name: e.currentTarget.value.trim() })} />
              </div>
              <div class="field">
                <label for={`${id}-url`}>{t('toolUrl')}</label>
                <input id={`${id}-url`} type="url" required value={tool.url} placeholder="https://example.org/tools/order-status" onInput={(e) => update(i, { url: e.currentTarget.value.trim() })} />
              </div>
            </div>
            <div class="field">
              <label for={`${id}-description`}>{t('toolDescription')}</label>
              <input id={`${id}-description`} required value={tool.description} onInput={(e) => update(i, { description: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for={`${id}-parameters`}>{t('toolParameters')}</label>
              <textarea
                id={`${id}-parameters`}
                class="code"
                rows={6}
                spellcheck={false}
                required
                value={tool.parameters}
                aria-invalid={invalid.has(i) || undefined}
                aria-describedby={`${id}-parameters-help`}
                onInput={(e) => update(i, { parameters: e.currentTarget.value })}
              />
              <p id={`${id}-parameters-help`} class="muted small">
                {t('toolParametersHelp')}
              </p>
            </div>
            <div class="actions">
              <button type="button" class="quiet" onClick={() => onChange(tools.filter((_, j) => j !== i))}>
                {t('removeTool', { n: i + 1 })}
              </button>
            </div>
          </div>
        );
      })}
      <button type="button" class="quiet" onClick={() => onChange([...tools, { name: '', description: '', url: '', parameters: EMPTY_PARAMETERS }])}>
        + {t('addTool')}
      </button>
    </fieldset>
  );
}
