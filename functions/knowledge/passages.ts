/**
 * Splits a document into the passages search ranks and the agent is given.
 *
 * Why ~700 characters: a passage should answer one thing (a price list, the delivery areas, a
 * policy), so a match points at the right text and the agent is not handed a whole manual; it should
 * also keep enough around a fact (the heading it sits under, the sentence before) to be understood
 * alone. 500–800 characters is a paragraph or two; five of them are ~1,000 tokens for the model.
 * Paragraphs are kept whole when they fit, split at sentence ends when they do not; each passage
 * repeats the heading it is under, and a passage cut from a long section starts with the last
 * sentence of the one before (a small overlap, so a fact split across the cut is found from either side).
 */
export const PASSAGE_TARGET_CHARS = 700;
export const PASSAGE_MAX_CHARS = 800;
const OVERLAP_MAX_CHARS = 160;

type Section = { heading: string | undefined; paragraphs: string[] };

export function splitPassages(text: string): string[] {
  const passages: string[] = [];
  for (const section of sections(text)) {
    const prefix = section.heading ? `${section.heading}\n` : '';
    const room = PASSAGE_MAX_CHARS - prefix.length;
    let current = '';
    let carry = '';
    const flush = () => {
      if (current.trim()) passages.push(prefix + current.trim());
      carry = lastSentence(current);
      current = '';
    };
    for (const piece of section.paragraphs.flatMap((p) => (p.length > room ? sentencesUpTo(p, room) : [p]))) {
      const joined = current ? `${current}\n\n${piece}` : piece;
      if (joined.length <= Math.min(room, PASSAGE_TARGET_CHARS) || !current) {
        current = joined;
        continue;
      }
      flush();
      current = carry && carry.length + piece.length + 1 <= room ? `${carry} ${piece}` : piece;
    }
    flush();
    // A heading with no text under it is still worth finding (e.g. "Horários" followed by a list).
    if (section.paragraphs.length === 0 && section.heading) passages.push(section.heading);
  }
  return passages;
}

/** Markdown headings (`#`…) start sections; blank lines separate paragraphs. */
function sections(text: string): Section[] {
  const out: Section[] = [];
  let current: Section = { heading: undefined, paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    const p = paragraph.join('\n').trim();
    if (p) current.paragraphs.push(p);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      endParagraph();
      if (current.heading || current.paragraphs.length) out.push(current);
      current = { heading: heading[1]!.trim(), paragraphs: [] };
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trimEnd());
    }
  }
  endParagraph();
  if (current.heading || current.paragraphs.length) out.push(current);
  return out;
}

/** A long paragraph as pieces of at most `max` characters, cut after a sentence (or a line, or a space). */
function sentencesUpTo(paragraph: string, max: number): string[] {
  const sentences = paragraph.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [paragraph];
  const pieces: string[] = [];
  let piece = '';
  for (const sentence of sentences.flatMap((s) => (s.length > max ? hardCut(s, max) : [s]))) {
    if (piece && piece.length + sentence.length > max) {
      pieces.push(piece.trim());
      piece = '';
    }
    piece += sentence;
  }
  if (piece.trim()) pieces.push(piece.trim());
  return pieces;
}

/** A "sentence" longer than a passage (a table row, a list without stops): cut at spaces. */
function hardCut(sentence: string, max: number): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const at = space > max / 2 ? space : max;
    out.push(rest.slice(0, at) + ' ');
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

function lastSentence(text: string): string {
  const sentences = text.trim().match(/[^.!?\n]+[.!?]*/g) ?? [];
  const last = sentences.at(-1)?.trim() ?? '';
  return last.length <= OVERLAP_MAX_CHARS ? last : '';
}
