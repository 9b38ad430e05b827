/**
 * Models answer in Markdown; WhatsApp has its own marks (*bold*, _italic_, ~strike~, ```mono```).
 * Converts the common Markdown forms and leaves everything else as plain text. A single `*x*` is left
 * alone: the agent is told to write WhatsApp's *bold*, so it is not read as Markdown's italic.
 */
export function toWhatsApp(markdown: string): string {
  const fences: string[] = [];
  // Code blocks pass through untouched (WhatsApp renders ``` itself).
  // U+0000 marks the fences below, and PostgreSQL cannot store it: a model's own is dropped first.
  let text = markdown.replaceAll('\u0000', '').replace(/```[\s\S]*?```/g, (block) => `\u0000${fences.push(block) - 1}\u0000`);
  text = text
    .replace(/\*\*(.+?)\*\*/g, '\u0001$1\u0001') // bold, protected from the italic rule below
    .replace(/__(.+?)__/g, '\u0001$1\u0001')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, '\u0001$1\u0001') // headings read as bold lines
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, '$1 $2') // images: alt text and link
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/^(\s*)[-+]\s+/gm, '$1• ') // bullets
    .replace(/^>\s?/gm, '> ')
    .replace(/\u0001/g, '*');
  return text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => fences[Number(i)]!).replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Splits a long answer into messages a person would send: at paragraph breaks, else at sentence ends,
 * else at spaces, never inside a word, each part at most `max` characters.
 */
export function splitMessage(text: string, max = 1500): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut =
      lastBreak(window, /\n\s*\n/g) ?? lastBreak(window, /[.!?…](\s)/g) ?? lastBreak(window, /\n/g) ?? lastBreak(window, / /g) ?? max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** End of the last match that leaves a part of a reasonable size (at least a third of the window). */
function lastBreak(window: string, pattern: RegExp): number | undefined {
  let best: number | undefined;
  for (const m of window.matchAll(pattern)) {
    const end = m.index + m[0].length - (m[1]?.length ?? 0);
    if (end >= window.length / 3 && end < window.length) best = end;
  }
  return best;
}
