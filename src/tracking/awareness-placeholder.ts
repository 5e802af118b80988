/**
 * The page a person sees after "succeeding" in a simulated attack when the scenario has no
 * redirect_url. A placeholder: the training issue replaces it with the campaign's awareness
 * page. It must say plainly that this was a test and how to spot the next one.
 */
export function awarenessPlaceholderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>This was a phishing simulation</title>
<style>
body{margin:0;background:#f3f4f6;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2937;line-height:1.55}
.wrap{max-width:640px;margin:48px auto;padding:0 16px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:32px}
h1{font-size:24px;margin:0 0 12px;color:#0f766e}
h2{font-size:17px;margin:24px 0 8px}
li{margin:6px 0}
.note{font-size:14px;color:#6b7280;margin-top:24px}
</style>
</head>
<body>
<div class="wrap"><div class="card">
<h1>This was a simulated phishing test</h1>
<p>The message you just acted on was sent by your organisation's security team to help everyone recognise phishing. Nothing harmful happened, and the password you may have typed was <strong>not</strong> stored.</p>
<h2>How to spot the next one</h2>
<ul>
<li><strong>Check the sender.</strong> Look at the full address, not just the name. Lookalike domains (an extra letter, a different ending) are a classic trick.</li>
<li><strong>Hover before you click.</strong> Where does the link really go? If the address does not belong to the organisation the message claims to come from, do not open it.</li>
<li><strong>Be wary of urgency.</strong> "Your account will be closed today", "Invoice overdue", "Confirm within one hour": pressure is meant to stop you from thinking.</li>
<li><strong>Never enter your password after following a link in a message.</strong> Go to the site yourself, by a bookmark or by typing its address.</li>
<li><strong>Unexpected attachments</strong> and requests to enable macros or content are red flags.</li>
<li><strong>When in doubt, report it.</strong> Use the "report phishing" button or forward the message to your security team.</li>
</ul>
<p class="note">You are not in trouble: these tests measure how well the organisation as a whole recognises phishing, so that training can focus where it helps most.</p>
</div></div>
</body>
</html>
`;
}
