/**
 * For tests: a minimal valid PDF built byte by byte, one page per entry, each line of a page drawn as
 * text in Helvetica (WinAnsi, so Portuguese accents survive), or a page with only a drawn rectangle
 * when `pages` holds `null` (what a scan looks like to a text extractor: no text at all). The cross-
 * reference table is exact, so a strict reader opens it as readily as pdf.js does. `toUnicode` maps
 * characters of the lines to what a reader should take them for (the font's ToUnicode CMap), as
 * fonts embedded by real PDF writers do, rightly or wrongly.
 */
export function handBuiltPdf(pages: (string[] | null)[], options: { toUnicode?: Record<string, string> } = {}): Uint8Array {
  const objects: string[] = [];
  /** Adds an object; its number (1-based, as the PDF numbers them). */
  const add = (body: string) => objects.push(body);
  const catalog = add('');
  const pageTree = add('');
  const map = Object.entries(options.toUnicode ?? {});
  const cmap = map.length
    ? `/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test def 1 begincodespacerange <00> <FF> endcodespacerange ${map.length} beginbfchar ${map
        .map(([from, to]) => `<${hex(from)}> <${[...to].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}>`)
        .join(' ')} endbfchar endcmap CMapName currentdict /CMap defineresource pop end end`
    : '';
  const toUnicode = cmap ? ` /ToUnicode ${add(`<< /Length ${latin1(cmap).length} >>\nstream\n${cmap}\nendstream`)} 0 R` : '';
  const font = add(`<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding${toUnicode} >>`);
  const kids = pages.map((lines) => {
    const drawn = lines
      ? `BT /F1 12 Tf 14 TL 72 720 Td ${lines.map((l) => `(${escape(l)}) Tj T*`).join(' ')} ET`
      : '0.5 g 72 72 468 648 re f';
    const contents = add(`<< /Length ${latin1(drawn).length} >>\nstream\n${drawn}\nendstream`);
    return add(`<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`);
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = latin1(pdf).length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = latin1(pdf).length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return latin1(pdf);
}

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);

/** Bytes as WinAnsi (Latin-1 for the characters tests use). */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => {
    const code = c.charCodeAt(0);
    if (code > 255) throw new Error(`"${c}" is not in Latin-1`);
    return code;
  });
}
