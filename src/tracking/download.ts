/**
 * The file a file scenario's download link answers with: harmless, generated, named as the
 * scenario's attachment, and saying that it belongs to a simulation. Where the format allows a
 * hand-written file (PDF, RTF, which Word also opens under .doc, HTML, text), the file opens
 * as what its name promises; anything else gets the same text as plain text.
 */
const TEXT = [
  'This file is part of a phishing simulation run by your organisation.',
  'Nothing harmful happened: the file contains only this message.',
  'Opening unexpected files from messages is how real attacks begin.',
  'When in doubt, report the message to your security team.',
];

function pdf(): Buffer {
  const lines = TEXT.map((l, i) => `BT /F1 12 Tf 72 ${720 - i * 20} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(lines)} >>\nstream\n${lines}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export interface GeneratedFile {
  name: string;
  contentType: string;
  body: Buffer;
}

/** A safe file name for Content-Disposition (the name comes from a template). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // RFC 8187's attr-char leaves out ' ( ) * (which encodeURIComponent keeps): a browser reading
  // filename* would otherwise stop at the first of them, or drop the parameter.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function simulationFile(attachmentName: string): GeneratedFile {
  const name = attachmentName.trim().replace(/[\r\n/\\]/g, '_').slice(0, 200) || 'document.pdf';
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1].toLowerCase() ?? '';
  if (ext === 'pdf') return { name, contentType: 'application/pdf', body: pdf() };
  if (ext === 'rtf' || ext === 'doc') {
    const body = `{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs24 ${TEXT.join('\\par\n')}\\par}\n`;
    return { name, contentType: ext === 'rtf' ? 'application/rtf' : 'application/msword', body: Buffer.from(body, 'latin1') };
  }
  if (ext === 'html' || ext === 'htm') {
    const body = `<!doctype html><html><head><meta charset="utf-8"><title>Phishing simulation</title></head><body>${TEXT.map((l) => `<p>${l}</p>`).join('')}</body></html>\n`;
    return { name, contentType: 'text/html; charset=utf-8', body: Buffer.from(body) };
  }
  return { name, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`${TEXT.join('\n')}\n`) };
}
