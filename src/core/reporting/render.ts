/**
 * The three report formats, drawn from one ReportDocument. Every string in a document can come
 * from a person (campaign, scenario, client and section names, division names): HTML escapes
 * all of it; PDF and DOCX place it as text, never as markup.
 */
import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { Block, ReportDocument } from './report-content.ts';
import { escapeHtml } from '../html.ts';
import { PRIVATE_FILE } from '../../private-files.ts';
export { escapeHtml };

export const REPORT_TYPES = ['pdf', 'html', 'docx'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export interface Typography {
  /** Body text size in points. */
  fontSize: number;
  /** As requested; each format maps it to what it can use. */
  fontFamily: string;
}

const ACCENT = '#1f4e79';

// ---- HTML ------------------------------------------------------------------------------------


/** A font-family list safe inside a style element: letters, digits, spaces, commas, hyphens and quotes only. */
export function cssFontFamily(requested: string): string {
  const cleaned = requested.replace(/[^A-Za-z0-9 ,_'"-]/g, '').trim();
  return cleaned ? `${cleaned}, Helvetica, Arial, sans-serif` : 'Helvetica, Arial, sans-serif';
}

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return (
        `<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
        b.rows.map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('') +
        '</tbody></table>'
      );
    case 'funnel':
      return (
        '<div class="funnel">' +
        b.steps
          .map(
            (s) =>
              `<div class="step"><span class="label">${escapeHtml(s.label)}</span><span class="bar"><span style="width:${Math.max(0, Math.min(100, Number(s.percent) || 0))}%"></span></span>` +
              `<span class="value">${escapeHtml(s.value)} (${escapeHtml(s.percent)}%)</span></div>`,
          )
          .join('') +
        '</div>'
      );
  }
}

export function renderHtml(doc: ReportDocument, t: Typography): string {
  const size = Math.round(t.fontSize);
  const css = `
body{font-family:${cssFontFamily(t.fontFamily)};font-size:${size}pt;color:#222;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}
h1{color:${ACCENT};font-size:1.8em;margin-bottom:.2em}h2{color:${ACCENT};font-size:1.3em;border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}
.subtitle{color:#555;font-size:1.1em;margin-top:0}.meta{color:#555;margin:0}
table{border-collapse:collapse;margin:.6em 0;width:100%}th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#eef2f7}td.n{text-align:right}
.funnel .step{display:flex;align-items:center;margin:.25em 0}.funnel .label{width:8em}.funnel .bar{flex:1;background:#eef2f7;height:1em;margin:0 .6em}
.funnel .bar span{display:block;height:100%;background:${ACCENT}}.funnel .value{width:9em;text-align:right}`;
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">' +
    `<title>${escapeHtml(doc.title)}</title><style>${css}</style></head><body>` +
    `<h1>${escapeHtml(doc.title)}</h1><p class="subtitle">${escapeHtml(doc.subtitle)}</p>` +
    doc.meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`).join('') +
    doc.sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.blocks.map(htmlBlock).join('')}</section>`).join('') +
    '</body></html>\n'
  );
}

// ---- PDF -------------------------------------------------------------------------------------

/** The standard PDF fonts need no embedding; the requested family picks the closest one. */
export function pdfFonts(requested: string): { regular: string; bold: string } {
  const f = requested.toLowerCase();
  if (/times|serif|georgia|garamond|cambria/.test(f) && !/sans/.test(f)) return { regular: 'Times-Roman', bold: 'Times-Bold' };
  if (/courier|mono|consol/.test(f)) return { regular: 'Courier', bold: 'Courier-Bold' };
  return { regular: 'Helvetica', bold: 'Helvetica-Bold' };
}

export async function writePdf(file: string, doc: ReportDocument, t: Typography): Promise<void> {
  const fonts = pdfFonts(t.fontFamily);
  const size = t.fontSize;
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: doc.title, Creator: 'Decoy' } });
  const out = createWriteStream(file, { mode: PRIVATE_FILE });
  pdf.pipe(out);
  const left = pdf.page.margins.left;
  const width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
  const bottom = () => pdf.page.height - pdf.page.margins.bottom;
  const ensure = (h: number) => {
    if (pdf.y + h > bottom()) pdf.addPage();
  };

  pdf.font(fonts.bold).fontSize(size * 1.8).fillColor(ACCENT).text(doc.title, { width });
  pdf.font(fonts.regular).fontSize(size * 1.1).fillColor('#555555').text(doc.subtitle, { width });
  pdf.moveDown(0.3).fontSize(size);
  for (const m of doc.meta) pdf.text(m, { width });
  pdf.fillColor('#222222');

  for (const section of doc.sections) {
    ensure(size * 8);
    pdf.moveDown(1).font(fonts.bold).fontSize(size * 1.3).fillColor(ACCENT).text(section.title, left, pdf.y, { width });
    pdf.font(fonts.regular).fontSize(size).fillColor('#222222').moveDown(0.3);
    for (const b of section.blocks) {
      switch (b.kind) {
        case 'heading':
          ensure(size * 3);
          pdf.font(fonts.bold).text(b.text, left, pdf.y, { width }).font(fonts.regular);
          break;
        case 'paragraph':
          ensure(size * 2);
          pdf.text(b.text, left, pdf.y, { width, align: 'left' }).moveDown(0.4);
          break;
        case 'list':
          for (const item of b.items) {
            ensure(size * 2);
            pdf.text(`•  ${item}`, left + 8, pdf.y, { width: width - 8 }).moveDown(0.2);
          }
          pdf.moveDown(0.3);
          break;
        case 'table':
          pdfTable(pdf, b.head, b.rows, { left, width, size, fonts, ensure });
          break;
        case 'funnel': {
          const labelW = width * 0.2;
          const valueW = width * 0.22;
          const barW = width - labelW - valueW - 12;
          for (const s of b.steps) {
            ensure(size * 1.8);
            const y = pdf.y;
            pdf.text(s.label, left, y, { width: labelW, lineBreak: false });
            pdf.rect(left + labelW, y, barW, size).fill('#eef2f7');
            const w = (barW * Math.max(0, Math.min(100, s.percent))) / 100;
            if (w > 0) pdf.rect(left + labelW, y, w, size).fill(ACCENT);
            pdf.fillColor('#222222').text(`${s.value} (${s.percent}%)`, left + labelW + barW + 12, y, { width: valueW, lineBreak: false });
            pdf.x = left;
            pdf.y = y + size * 1.6;
          }
          pdf.moveDown(0.4);
          break;
        }
      }
    }
  }
  pdf.end();
  await finished(out);
}

function pdfTable(
  pdf: PDFKit.PDFDocument,
  head: string[],
  rows: (string | number)[][],
  o: { left: number; width: number; size: number; fonts: { regular: string; bold: string }; ensure: (h: number) => void },
): void {
  const cols = head.length;
  // The first column holds names: give it more room.
  const first = cols > 5 ? o.width * 0.22 : cols > 2 ? o.width * 0.3 : o.width / cols;
  const rest = cols > 1 ? (o.width - first) / (cols - 1) : 0;
  const widths = head.map((_, i) => (i === 0 ? first : rest));
  // Numbers, and the headings of columns of numbers, are right-aligned.
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const textSize = o.size * (cols > 6 ? 0.8 : 0.9);
  const pad = 3;
  const measure = (cells: (string | number)[], bold: boolean) => {
    pdf.font(bold ? o.fonts.bold : o.fonts.regular).fontSize(textSize);
    return Math.max(...cells.map((c, i) => pdf.heightOfString(String(c), { width: widths[i] - pad * 2 })), textSize) + pad * 2;
  };
  const drawRow = (cells: (string | number)[], bold: boolean) => {
    const h = measure(cells, bold);
    o.ensure(h);
    const y = pdf.y;
    let x = o.left;
    if (bold) pdf.rect(o.left, y, o.width, h).fill('#eef2f7').fillColor('#222222');
    cells.forEach((c, i) => {
      pdf.text(String(c), x + pad, y + pad, { width: widths[i] - pad * 2, align: typeof c === 'number' || (bold && numeric[i]) ? 'right' : 'left' });
      x += widths[i];
    });
    pdf.moveTo(o.left, y + h).lineTo(o.left + o.width, y + h).lineWidth(0.5).strokeColor('#ccccdd').stroke();
    pdf.x = o.left;
    pdf.y = y + h;
  };
  // Never a heading alone at the foot of a page.
  o.ensure(measure(head, true) + (rows.length ? measure(rows[0], false) : 0));
  drawRow(head, true);
  for (const r of rows) drawRow(r, false);
  pdf.font(o.fonts.regular).fontSize(o.size).moveDown(0.6);
}

// ---- DOCX ------------------------------------------------------------------------------------

export async function writeDocx(file: string, doc: ReportDocument, t: Typography): Promise<void> {
  const font = t.fontFamily.replace(/[^A-Za-z0-9 _-]/g, '').trim() || 'Calibri';
  const half = Math.round(t.fontSize * 2);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: doc.title, color: ACCENT.slice(1) })] }),
    new Paragraph({ children: [new TextRun({ text: doc.subtitle, italics: true })] }),
    ...doc.meta.map((m) => new Paragraph({ children: [new TextRun({ text: m, color: '555555' })] })),
  ];
  const border = { style: BorderStyle.SINGLE, size: 4, color: 'CCCCDD' };
  const cell = (text: string | number, header = false) =>
    new TableCell({
      children: [new Paragraph({ alignment: typeof text === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [new TextRun({ text: String(text), bold: header })] })],
      shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: 'EEF2F7' } : undefined,
      borders: { top: border, bottom: border, left: border, right: border },
    });
  const table = (head: string[], rows: (string | number)[][]) =>
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [new TableRow({ tableHeader: true, children: head.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
    });
  for (const section of doc.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: section.title })] }));
    for (const b of section.blocks) {
      switch (b.kind) {
        case 'heading':
          children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: b.text })] }));
          break;
        case 'paragraph':
          children.push(new Paragraph({ children: [new TextRun({ text: b.text })] }));
          break;
        case 'list':
          for (const item of b.items) children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: item })] }));
          break;
        case 'table':
          children.push(table(b.head, b.rows), new Paragraph({ children: [] }));
          break;
        case 'funnel':
          children.push(table(['Step', 'Count', 'Of sent'], b.steps.map((s) => [s.label, s.value, `${s.percent}%`])), new Paragraph({ children: [] }));
          break;
      }
    }
  }
  const document = new Document({
    creator: 'Decoy',
    title: doc.title,
    styles: { default: { document: { run: { font, size: half } } } },
    sections: [{ children }],
  });
  await writeFile(file, await Packer.toBuffer(document), { mode: PRIVATE_FILE });
}
