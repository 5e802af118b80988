/**
 * One awareness certificate as a file: PDF (pdfkit) or JPG (a raster drawn with @napi-rs/canvas,
 * prebuilt Skia from the npm registry, no browser). Both embed DejaVu Sans from the
 * `dejavu-fonts-ttf` package, so that every name (accents, Cyrillic, Greek) prints as written and
 * the output does not depend on the fonts of the machine.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';

export interface CertificateContent {
  /** The person's name (or email when the name is empty). */
  name: string;
  /** The training completed: the awareness template's name. */
  training: string;
  campaign: string;
  organisation: string;
  /** When the person completed it (ISO). */
  completedAt: string;
  /** The quiz result, percent; null without a quiz. */
  score: number | null;
}

export const CERTIFICATE_FORMATS = { pdf: 0, jpg: 1 } as const;
export const JPG_WIDTH = 1600;
export const JPG_HEIGHT = 1131;

const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const CANVAS_FAMILY = 'Decoy Certificate Sans';
let canvasFonts = false;

const ACCENT = '#0f766e';
const INK = '#1f2937';
const MUTED = '#4b5563';

function day(iso: string): string {
  return iso.slice(0, 10);
}

function lines(c: CertificateContent) {
  return {
    title: 'Certificate of Completion',
    intro: 'This certifies that',
    name: c.name,
    completed: 'has completed the security awareness training',
    training: c.training,
    details: [c.campaign ? `Campaign: ${c.campaign}` : '', `Completed on ${day(c.completedAt)}`, c.score !== null ? `Quiz score: ${c.score}%` : '']
      .filter(Boolean)
      .join('   ·   '),
    organisation: c.organisation,
  };
}

/** The certificate as a PDF (A4 landscape). */
export function certificatePdf(c: CertificateContent): Promise<Buffer> {
  const t = lines(c);
  const pdf = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 40, info: { Title: `${t.title}: ${t.name}`, Creator: 'Decoy' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (b: Buffer) => chunks.push(b));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('regular', FONT_REGULAR);
  pdf.registerFont('bold', FONT_BOLD);
  const w = pdf.page.width;
  const h = pdf.page.height;
  pdf.lineWidth(6).strokeColor(ACCENT).rect(24, 24, w - 48, h - 48).stroke();
  pdf.lineWidth(1).strokeColor('#99c9c3').rect(36, 36, w - 72, h - 72).stroke();
  const width = w - 160;
  const center = (font: string, size: number, color: string, text: string, y: number) =>
    pdf.font(font).fontSize(size).fillColor(color).text(text, 80, y, { width, align: 'center' });
  center('bold', 34, ACCENT, t.title, 90);
  center('regular', 16, MUTED, t.intro, 170);
  center('bold', 30, INK, t.name, 205);
  center('regular', 16, MUTED, t.completed, 265);
  center('bold', 22, INK, t.training, 295);
  center('regular', 13, MUTED, t.details, 370);
  center('bold', 18, ACCENT, t.organisation, h - 130);
  pdf.end();
  return done;
}

function fitText(ctx: SKRSContext2D, text: string, weight: string, size: number, maxWidth: number): void {
  let s = size;
  ctx.font = `${weight} ${s}px "${CANVAS_FAMILY}"`;
  while (s > 12 && ctx.measureText(text).width > maxWidth) {
    s -= 2;
    ctx.font = `${weight} ${s}px "${CANVAS_FAMILY}"`;
  }
}

/** The certificate as a JPEG (JPG_WIDTH × JPG_HEIGHT, the proportions of A4 landscape). */
export async function certificateJpg(c: CertificateContent): Promise<Buffer> {
  if (!canvasFonts) {
    GlobalFonts.registerFromPath(FONT_REGULAR, CANVAS_FAMILY);
    GlobalFonts.registerFromPath(FONT_BOLD, CANVAS_FAMILY);
    canvasFonts = true;
  }
  const t = lines(c);
  const canvas = createCanvas(JPG_WIDTH, JPG_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, JPG_WIDTH, JPG_HEIGHT);
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 14;
  ctx.strokeRect(40, 40, JPG_WIDTH - 80, JPG_HEIGHT - 80);
  ctx.strokeStyle = '#99c9c3';
  ctx.lineWidth = 2;
  ctx.strokeRect(64, 64, JPG_WIDTH - 128, JPG_HEIGHT - 128);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const max = JPG_WIDTH - 240;
  const draw = (text: string, weight: string, size: number, color: string, y: number) => {
    fitText(ctx, text, weight, size, max);
    ctx.fillStyle = color;
    ctx.fillText(text, JPG_WIDTH / 2, y);
  };
  draw(t.title, 'bold', 72, ACCENT, 230);
  draw(t.intro, 'normal', 34, MUTED, 360);
  draw(t.name, 'bold', 64, INK, 450);
  draw(t.completed, 'normal', 34, MUTED, 550);
  draw(t.training, 'bold', 46, INK, 625);
  draw(t.details, 'normal', 28, MUTED, 760);
  draw(t.organisation, 'bold', 38, ACCENT, JPG_HEIGHT - 200);
  return canvas.encode('jpeg', 90);
}

export function renderCertificate(format: number, c: CertificateContent): Promise<Buffer> {
  return format === CERTIFICATE_FORMATS.jpg ? certificateJpg(c) : certificatePdf(c);
}
