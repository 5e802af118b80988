/**
 * Builds the built-in library's mails and pages from its plain-text data: table-based mail
 * HTML with inline styles (what mail clients render), a plain-text alternative, and
 * self-contained landing and awareness pages (no external resources, no logos).
 */
import type { AwarenessText, LandingPage, LibraryLanguage, ScenarioText } from './library/types.ts';
import { escapeHtml as e } from './variables.ts';

const FONT = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";

function paragraphs(items: string[] | undefined): string {
  return (items ?? []).map((p) => `<p style="margin:0 0 16px;line-height:1.5">${e(p)}</p>`).join('\n');
}

function detailsTable(rows: [string, string][] | undefined): string {
  if (!rows?.length) return '';
  const tr = rows
    .map(
      ([k, v]) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#6b7280;white-space:nowrap;vertical-align:top">${e(k)}</td><td style="padding:6px 0;font-weight:600">${e(v)}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-top:1px solid #e5e7eb;border-bottom:1px solid #e5e7eb;width:100%;font-size:14px">${tr}</table>`;
}

export function scenarioEmailHtml(t: ScenarioText, color: string, lang: LibraryLanguage): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(t.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONT};color:#1f2937;font-size:15px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 0">
<tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;overflow:hidden;border:1px solid #e5e7eb">
<tr><td style="background:${color};color:#ffffff;padding:18px 28px;font-size:18px;font-weight:700;letter-spacing:0.2px">${e(t.brand)}</td></tr>
<tr><td style="padding:28px 28px 12px">
<h1 style="margin:0 0 20px;font-size:21px;line-height:1.3;color:#111827">${e(t.heading)}</h1>
<p style="margin:0 0 16px;line-height:1.5">${e(t.greeting)}</p>
${paragraphs(t.paragraphs)}
${detailsTable(t.details)}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="background:${color};border-radius:4px">
<a href="{{link}}" style="display:inline-block;padding:12px 26px;color:#ffffff;text-decoration:none;font-weight:700">${e(t.button)}</a>
</td></tr></table>
${paragraphs(t.after)}
<p style="margin:0 0 16px;line-height:1.5">${t.signoff.map(e).join('<br>')}</p>
</td></tr>
<tr><td style="padding:16px 28px;background:#f9fafb;color:#6b7280;font-size:12px;line-height:1.5;border-top:1px solid #e5e7eb">${e(t.footer)}</td></tr>
</table>
</td></tr>
</table>
{{pixel}}
</body>
</html>
`;
}

export function scenarioEmailText(t: ScenarioText): string {
  const out: string[] = [t.brand, '', t.heading, '', t.greeting, ''];
  for (const p of t.paragraphs) out.push(p, '');
  for (const [k, v] of t.details ?? []) out.push(`${k}: ${v}`);
  if (t.details?.length) out.push('');
  out.push(`${t.button}: {{link}}`, '');
  for (const p of t.after ?? []) out.push(p, '');
  out.push(...t.signoff, '', '--', t.footer, '');
  return out.join('\n');
}

function page(lang: LibraryLanguage, title: string, color: string, brand: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;background:#eef0f3;font-family:${FONT};color:#1f2937;font-size:15px}
.bar{background:${color};color:#fff;padding:14px 24px;font-weight:700;font-size:17px}
.wrap{max-width:440px;margin:48px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:32px 28px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:21px;margin:0 0 12px;color:#111827}
p{line-height:1.5;margin:0 0 16px}
label{display:block;font-size:13px;font-weight:600;margin:14px 0 6px}
input{width:100%;padding:10px 12px;border:1px solid #c4cad2;border-radius:5px;font-size:15px}
input:focus{outline:2px solid ${color};border-color:${color}}
button,.button{display:inline-block;width:100%;margin-top:22px;padding:11px 16px;background:${color};color:#fff;border:0;border-radius:5px;font-size:15px;font-weight:700;text-align:center;text-decoration:none;cursor:pointer}
.help{font-size:13px;color:#6b7280;margin-top:18px}
.file{display:flex;align-items:center;gap:14px;border:1px solid #e5e7eb;border-radius:6px;padding:14px;margin:8px 0 4px;background:#f9fafb}
.file .icon{width:38px;height:46px;border-radius:4px;background:${color};color:#fff;font-size:11px;font-weight:700;display:flex;align-items:flex-end;justify-content:center;padding-bottom:6px}
.file .meta{font-size:13px;color:#6b7280}
.notice{text-align:center}
.notice .symbol{width:56px;height:56px;border-radius:50%;background:#fef3c7;color:#b45309;font-size:30px;line-height:56px;margin:0 auto 16px;font-weight:700}
.ref{font-size:12px;color:#9ca3af;margin-top:20px}
</style>
</head>
<body>
<div class="bar">${e(brand)}</div>
<div class="wrap"><div class="card">
${body}
</div></div>
</body>
</html>
`;
}

function extensionOf(name: string | undefined): string {
  const m = name ? /\.([a-z0-9]{1,5})$/i.exec(name) : null;
  return m ? m[1].toUpperCase() : 'FILE';
}

export function landingHtml(t: ScenarioText, color: string, lang: LibraryLanguage): string {
  const l: LandingPage = t.landing;
  let body: string;
  switch (l.kind) {
    case 'login':
      body = `<h1>${e(l.heading)}</h1>
<p>${e(l.intro)}</p>
<form method="post" action="{{form_action}}" autocomplete="off">
<label for="username">${e(l.userLabel)}</label>
<input id="username" name="username" type="text" value="{{email}}" required>
<label for="password">${e(l.passLabel)}</label>
<input id="password" name="password" type="password" required>
<button type="submit">${e(l.button)}</button>
</form>
<p class="help">${e(l.help)}</p>`;
      break;
    case 'form':
      body = `<h1>${e(l.heading)}</h1>
<p>${e(l.intro)}</p>
<form method="post" action="{{form_action}}" autocomplete="off">
${l.fields
  .map(
    (f) =>
      `<label for="${f.name}">${e(f.label)}</label>\n<input id="${f.name}" name="${f.name}" type="${f.type}"${f.prefill ? ` value="${e(f.prefill)}"` : ''} required>`,
  )
  .join('\n')}
<button type="submit">${e(l.button)}</button>
</form>
<p class="help">${e(l.help)}</p>`;
      break;
    case 'download':
      body = `<h1>${e(l.heading)}</h1>
<p>${e(l.text)}</p>
<div class="file"><div class="icon">${e(extensionOf(t.attachment_name))}</div><div><div><strong>${e(t.attachment_name ?? l.fileLabel)}</strong></div><div class="meta">${e(l.fileLabel)} · ${e(l.fileSize)}</div></div></div>
<a class="button" href="{{download_link}}">${e(l.button)}</a>
<p class="help">${e(l.note)}</p>`;
      break;
    case 'unavailable':
      body = `<div class="notice">
<div class="symbol">!</div>
<h1>${e(l.heading)}</h1>
<p>${e(l.text)}</p>
<p class="help">${e(l.note)}</p>
<p class="ref">${e(l.reference)}</p>
</div>`;
      break;
  }
  return page(lang, l.title, color, t.brand, body);
}

const AWARENESS_COLOR = '#0f766e';

export function awarenessEmailHtml(t: AwarenessText, lang: LibraryLanguage): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(t.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONT};color:#1f2937;font-size:15px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 0">
<tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;overflow:hidden;border:1px solid #e5e7eb">
<tr><td style="background:${AWARENESS_COLOR};color:#ffffff;padding:18px 28px;font-size:18px;font-weight:700">{{company}}</td></tr>
<tr><td style="padding:28px 28px 12px">
<h1 style="margin:0 0 20px;font-size:21px;line-height:1.3;color:#111827">${e(t.email.heading)}</h1>
<p style="margin:0 0 16px;line-height:1.5">${e(t.email.greeting)}</p>
${paragraphs(t.email.paragraphs)}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="background:${AWARENESS_COLOR};border-radius:4px">
<a href="{{link}}" style="display:inline-block;padding:12px 26px;color:#ffffff;text-decoration:none;font-weight:700">${e(t.email.button)}</a>
</td></tr></table>
<p style="margin:0 0 16px;line-height:1.5">${t.email.signoff.map(e).join('<br>')}</p>
</td></tr>
</table>
</td></tr>
</table>
{{pixel}}
</body>
</html>
`;
}

export function awarenessEmailText(t: AwarenessText): string {
  const out: string[] = [t.email.heading, '', t.email.greeting, ''];
  for (const p of t.email.paragraphs) out.push(p, '');
  out.push(`${t.email.button}: {{link}}`, '', ...t.email.signoff, '');
  return out.join('\n');
}

export function awarenessPageHtml(t: AwarenessText, lang: LibraryLanguage): string {
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
  const sections = t.page.sections.map((s) => `<section><h2>${e(s.heading)}</h2>${list(s.items)}</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${e(t.page.title)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;background:#f4f6f8;font-family:${FONT};color:#1f2937;font-size:16px;line-height:1.55}
header{background:${AWARENESS_COLOR};color:#fff;padding:28px 24px}
header .inner,main{max-width:760px;margin:0 auto}
header h1{margin:0;font-size:26px}
main{padding:24px 16px 48px}
section,.box{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:20px 24px;margin:0 0 18px}
h2{font-size:19px;margin:0 0 10px;color:#0f3d3a}
ul{margin:0;padding-left:22px}
li{margin:6px 0}
.todo{border-left:5px solid ${AWARENESS_COLOR}}
.report{border-left:5px solid #b45309}
</style>
</head>
<body>
<header><div class="inner"><h1>${e(t.page.title)}</h1></div></header>
<main>
<div class="box">${paragraphs(t.page.intro)}</div>
${sections}
<section class="todo"><h2>${e(t.page.whatToDo.heading)}</h2>${list(t.page.whatToDo.items)}</section>
<section class="report"><h2>${e(t.page.report.heading)}</h2><p style="margin:0">${e(t.page.report.text)}</p></section>
<section class="quiz"><h2>${e(t.page.quizHeading)}</h2><p>${e(t.page.quizIntro)}</p>
{{quiz}}
</section>
</main>
</body>
</html>
`;
}
