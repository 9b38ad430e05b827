/// <reference path="./alerts-raw.d.ts" />
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * The runbook itself, built into a chunk of its own (about 13 KB gzipped) that is fetched only when an
 * alert is open: the console shows the section an alert names without a link to a repository it cannot
 * know, and the words are the ones the docs test runs.
 */
let loading: Promise<string> | undefined;
export function useRunbook(): string | undefined {
  const [text, setText] = useState<string>();
  useEffect(() => {
    loading ??= import('../../../docs/runbooks.md?raw').then((m) => m.default);
    let live = true;
    void loading.then((t) => live && setText(t));
    return () => {
      live = false;
    };
  }, []);
  return text;
}

/** GitHub's heading anchors, which the alerts' `runbook` links use: `## Alert: model failing` → `alert-model-failing`. */
export const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** The section under the heading with this anchor, down to the next heading of its level or above. */
export function runbookSection(runbook: string, anchor: string): { heading: string; body: string } | undefined {
  const lines = runbook.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && anchorOf(l.replace(/^#+ /, '')) === anchor);
  if (start < 0) return undefined;
  const level = lines[start]!.indexOf(' ');
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^#+ /.test(l) && l.indexOf(' ') <= level);
  return { heading: lines[start]!.replace(/^#+ /, ''), body: (end < 0 ? rest : rest.slice(0, end)).join('\n').trim() };
}

/** Inline markdown the runbooks use: `code`, **bold**, [text](target) shown as its text. */
function inline(text: string): ComponentChildren[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\))/g).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**')) return <strong key={i}>{part.slice(2, -2)}</strong>;
    const link = /^\[([^\]]+)\]\([^)]+\)$/.exec(part);
    return link ? link[1] : part;
  });
}

/** The section's paragraphs and command blocks (fenced code), which are all the runbooks hold. */
export function RunbookText({ body }: { body: string }) {
  type Block = { code: string } | { text: string };
  const blocks = body.split(/(```[a-z]*\n[\s\S]*?\n```)/g).flatMap((chunk): Block[] =>
    chunk.startsWith('```')
      ? [{ code: chunk.replace(/^```[a-z]*\n/, '').replace(/\n```$/, '') }]
      : chunk.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => ({ text: p.replace(/\s*\n\s*/g, ' ') })),
  );
  return (
    <div class="runbook-text">
      {blocks.map((b, i) => ('code' in b ? <pre key={i}><code>{b.code}</code></pre> : <p key={i}>{inline(b.text)}</p>))}
    </div>
  );
}
