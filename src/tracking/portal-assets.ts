/**
 * The portal's style sheet and its one small script, served from the tracking server's own
 * origin so that the pages' CSP can forbid every inline style and script. The portal works
 * without the script: it only records "read the transcript" when the transcript is opened,
 * where a browser without JavaScript uses the button inside it.
 */

/** Mobile first (one column from 320 px), two columns on the dashboard from 56 rem; AA contrast throughout. */
export const PORTAL_CSS = `*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1f2937;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.6}
a{color:#0b5394;text-underline-offset:2px}
a:hover{color:#073763}
:focus-visible{outline:3px solid #b45309;outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px;z-index:10}
.skip:focus{left:8px;top:8px}
header.top{background:#0f3d5e;color:#fff;padding:12px 16px}
header.top a{color:#fff}
header.top p{margin:0 auto;max-width:54rem;font-weight:600}
main{max-width:56rem;margin:0 auto;padding:16px}
h1{font-size:1.5rem;line-height:1.25;margin:8px 0 16px}
h2{font-size:1.2rem;line-height:1.3;margin:24px 0 8px}
h3{font-size:1.05rem;margin:16px 0 6px}
section.card,article.card,li.card{background:#fff;border:1px solid #d1d5db;border-radius:8px;padding:16px;margin:0 0 16px}
.card>:first-child{margin-top:0}
.card>:last-child{margin-bottom:0}
.muted{color:#4b5563}
.points{font-size:1.1rem;font-weight:700}
.badge{display:inline-block;border-radius:999px;padding:2px 10px;font-size:.85rem;font-weight:600;background:#e5e7eb;color:#1f2937}
.badge.passed,.badge.completed{background:#d1fae5;color:#065f46}
.badge.in_progress{background:#dbeafe;color:#1e3a8a}
.badge.overdue,.badge.failed{background:#fee2e2;color:#991b1b}
.overdue-note{color:#991b1b;font-weight:600}
progress{width:100%;height:12px;accent-color:#0f766e}
ol.lessons,ul.lessons{padding-left:1.25rem}
ol.lessons li,ul.lessons li{margin:6px 0}
.done{color:#065f46;font-weight:600}
.lesson-body{font-size:1.05rem}
.lesson-body pre,pre.material{background:#f3f4f6;border:1px solid #d1d5db;padding:12px;overflow-x:auto;white-space:pre-wrap}
.lesson-body blockquote{margin:12px 0;padding:4px 12px;border-left:4px solid #9ca3af;color:#374151}
details{border:1px solid #d1d5db;border-radius:6px;padding:8px 12px;margin:12px 0;background:#fff}
summary{cursor:pointer;font-weight:600;padding:4px 0}
fieldset{border:1px solid #d1d5db;border-radius:6px;margin:0 0 16px;padding:12px}
legend{font-weight:600;padding:0 6px}
.choice{display:flex;gap:10px;align-items:flex-start;padding:8px 4px;min-height:44px}
.choice input{margin-top:.35rem;width:1.1rem;height:1.1rem;flex:none}
button,.button{display:inline-block;font:inherit;font-weight:600;border:2px solid #0f766e;background:#0f766e;color:#fff;border-radius:6px;padding:10px 18px;min-height:44px;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#0f5e57}
button:hover,.button:hover{background:#0b5e58;color:#fff}
.inline-form{display:inline}
.result.passed{border-left:6px solid #047857}
.result.failed{border-left:6px solid #b91c1c}
.answer.right{color:#065f46}
.answer.wrong{color:#991b1b}
.notice{background:#ecfdf5;border:1px solid #6ee7b7;border-radius:6px;padding:10px 12px}
.warn{background:#fef2f2;border:1px solid #fca5a5;border-radius:6px;padding:10px 12px}
@media (min-width:56rem){
  main{padding:24px}
  .grid{display:grid;grid-template-columns:1fr 1fr;gap:16px;align-items:start}
  h1{font-size:1.9rem}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;

/** Opening the transcript records it (a POST of the form inside it); the form's own button does the same without script. */
export const PORTAL_JS = `"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var details = document.getElementById("transcript");
  if (!details) return;
  var form = details.querySelector("form");
  if (!form) return;
  var sent = form.getAttribute("data-recorded") === "1";
  details.addEventListener("toggle", function () {
    if (!details.open || sent) return;
    sent = true;
    var body = new URLSearchParams(new FormData(form));
    body.set("js", "1");
    fetch(form.action, { method: "POST", body: body, credentials: "omit", redirect: "manual" }).then(function (res) {
      if (res.status === 204) {
        var note = document.createElement("p");
        note.className = "notice";
        note.setAttribute("role", "status");
        note.textContent = "Recorded: you read the transcript.";
        form.replaceWith(note);
      } else {
        sent = false;
      }
    }, function () { sent = false; });
  });
});
`;

/** A plain shield, so that browsers do not ask for /favicon.ico. */
export const PORTAL_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#0f3d5e" d="M16 2 4 6v9c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V6z"/><path fill="#fff" d="m14 21-5-5 2-2 3 3 7-7 2 2z"/></svg>';
