/** How much of a document the agent reads: enough for an order, a quote or a receipt, without a long one filling the model's context. */
export const PDF_TEXT_MAX_CHARS = 20_000;

/** Ends a text that was cut, so that the model and the team both know the rest was not read. */
export const cutNote = (max: number) => `\n[the document goes on; only its first ${max.toLocaleString('en-US')} characters were read]`;

/**
 * A PDF's text, as the agent reads it: the pages in order, each line on its own line, cut at
 * `maxChars` (saying so); null when the PDF has no text to extract (a scan, a photo saved as PDF).
 * Throws when the file is not a PDF it can open (damaged, password-protected).
 *
 * `unpdf` is pdf.js's serverless build: no DOM, no canvas, no worker thread, so it runs on Workers,
 * Vercel and Node alike. It is imported when a PDF arrives, not when the functions start (it is most
 * of the Worker's bundle, and a text message never needs it). Pages are read one at a time and the
 * reading stops once the cap is reached, so a 300-page manual costs about what its first pages do.
 */
export async function pdfText(bytes: Uint8Array, maxChars = PDF_TEXT_MAX_CHARS): Promise<string | null> {
  const { getDocumentProxy } = await import('unpdf');
  // pdf.js may take over the buffer it is given: it gets a copy, the caller keeps its bytes. No
  // console warnings about a damaged file (the caller logs the outcome); no font faces (nothing is drawn).
  const pdf = await getDocumentProxy(bytes.slice(), { stopAtErrors: false, verbosity: 0, disableFontFace: true });
  try {
    const pages: string[] = [];
    let length = 0;
    for (let n = 1; n <= pdf.numPages && length <= maxChars; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      const page = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        // Control characters a font may map glyphs to are nothing to read (and PostgreSQL's text refuses NUL).
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
        // Spacing as a reader sees it: runs of spaces collapsed, at most one blank line.
        .replace(/[^\S\n]+/g, ' ')
        .replace(/ ?\n ?/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
      if (page) {
        pages.push(page);
        length += page.length + 2;
      }
    }
    const text = pages.join('\n\n');
    if (!text) return null;
    return text.length > maxChars ? text.slice(0, maxChars).trimEnd() + cutNote(maxChars) : text;
  } finally {
    await pdf.loadingTask.destroy();
  }
}
