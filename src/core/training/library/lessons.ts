/**
 * Built-in training lessons: the catalogue installed on first start. Original text written for
 * Decoy. Content uses only the HTML subset documented in types.ts; transcripts and exercise
 * material are plain text (the portal escapes them).
 */
import type { LibraryLesson } from './types.ts';

export const LIBRARY_LESSONS: LibraryLesson[] = [
  // ---------------------------------------------------------------- phishing
  {
    key: 'phishing-basics',
    name: 'Recognising phishing emails',
    topic: 'phishing',
    summary: 'The warning signs of a phishing email, how to read a link before you click it, and what to do when something looks wrong.',
    content: `<h2>What phishing is</h2>
<p>Phishing is a message that pretends to come from someone you trust so that you click a link, open a file, type a password, or send money or data. Most attacks on organisations start this way, because tricking one busy person is far cheaper than breaking through a firewall.</p>
<h2>The warning signs</h2>
<ul>
<li><strong>The sender does not match.</strong> The display name says "IT Service Desk", but the address behind it belongs to an unknown or look-alike domain, such as <code>rnicrosoft.com</code> (r and n instead of m) or <code>example-payroll.co</code>.</li>
<li><strong>Pressure and emotion.</strong> Urgency ("your mailbox will be closed today"), fear, curiosity or a reward are used to make you act before you think.</li>
<li><strong>An unusual request.</strong> A request for your password, a sign-in code, a payment or new bank details by email is a red flag, whoever appears to send it.</li>
<li><strong>Links that lead somewhere else.</strong> Hover over a link, or press and hold it on a phone, to see the real address. Find the domain just before the first single slash: in <code>login.example.com.account-check.net/verify</code> the site you would really visit is <code>account-check.net</code>.</li>
<li><strong>Unexpected attachments.</strong> Invoices, voicemails, shared documents and "secure messages" you were not expecting, especially ones that ask you to enable editing or to sign in before you can read them.</li>
</ul>
<h2>Polished is not the same as genuine</h2>
<p>Attackers copy logos, signatures and writing style, and AI writing tools now help them produce fluent messages in any language, so spelling mistakes are no longer a reliable sign. A message can even come from a real colleague's account that has been taken over. Judge the request, not the polish.</p>
<h2>What to do</h2>
<ol>
<li><strong>Pause.</strong> If a message makes you feel rushed, that is exactly the moment to slow down.</li>
<li><strong>Check through a channel you already know.</strong> Open the website by typing its address or using your own bookmark, or call the person on a number you already have, not one from the message.</li>
<li><strong>Report it</strong> with the report button in your mail program or to your security team, then delete it.</li>
<li><strong>If you already clicked or typed something, report it straight away.</strong> Nobody will blame you, and a quick report lets the security team lock the account before it is misused.</li>
</ol>`,
    videoUrl: '',
    transcript: `Phishing is a message that pretends to come from someone you trust, so that you click a link, open a file, type a password or send money. It is how most attacks on organisations begin.
Here is how to spot one. First, look past the display name to the real sender address. Anyone can call themselves IT Service Desk; the domain behind the name is what counts, and attackers register look-alikes with one letter changed.
Second, notice pressure. Urgency, fear, curiosity and rewards are all designed to make you act before you think.
Third, question the request itself. Passwords, sign-in codes, payments and new bank details should never be handled just because an email asked.
Fourth, check links before you click. Hover over the link, or press and hold on a phone, and find the domain just before the first single slash. That is the site you would actually visit.
Fifth, be wary of attachments you did not expect.
Remember that a well-written message is not proof of anything. AI tools write fluent text, and real accounts get taken over.
When in doubt, pause, check through a channel you already know, and report the message. And if you already clicked, report it at once. Nobody will blame you, and speed is what limits the damage.`,
    quiz: [
      {
        question: 'An email shows the sender name "IT Service Desk". What should you check to judge who really sent it?',
        choices: ['The company logo in the signature', 'The time it was sent', 'Whether the message is polite', 'The full email address and its domain'],
        answer: 3,
        explanation: 'Anyone can type any display name; the domain of the real address shows where the message came from.',
      },
      {
        question: 'A link reads https://login.example.com.account-check.net/verify. Which site would it open?',
        choices: ['example.com', 'account-check.net', 'login.example.com', 'verify'],
        answer: 1,
        explanation: 'The real domain is the part just before the first single slash, here account-check.net; everything to its left is just a label the owner of that domain chose.',
      },
      {
        question: 'Why are spelling mistakes no longer a reliable sign of phishing?',
        choices: ['Attackers use AI writing tools and copied text to produce fluent messages', 'Mail filters now correct spelling automatically', 'Phishing emails are always written by native speakers', 'Spelling mistakes were never used in phishing'],
        answer: 0,
        explanation: 'AI tools and copied templates let attackers write convincing text, so you should judge the request rather than the writing.',
      },
      {
        question: 'A message from your bank asks you to confirm your details through a link. What is the safest way to check it?',
        choices: ['Click the link but do not enter anything', 'Open the bank\'s app or type its address yourself', 'Reply and ask whether the message is genuine', 'Call the phone number given in the message'],
        answer: 1,
        explanation: 'Using a channel you already know avoids every link, address and phone number the attacker controls.',
      },
      {
        question: 'You clicked a link in an email and typed your password before realising it was fake. What should you do first?',
        choices: ['Wait to see if anything unusual happens', 'Delete the email so nobody finds out', 'Report it to your security team straight away', 'Run a virus scan and say nothing'],
        answer: 2,
        explanation: 'A fast report lets the security team reset the password and end any sessions before the attacker can use them.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 6,
    exercise: {
      instructions: 'Your organisation uses the domain example.com. Read the header lines of this message and find the detail that gives it away.',
      material: `From: "Payroll Team" <payroll@examp1e-hr.com>
Reply-To: payroll-team@mailbox-secure.net
To: you@example.com
Subject: Action required: confirm your bank details before Friday
Date: Tue, 3 Mar 2026 08:12:44 +0000`,
      question: 'Which detail shows that this message did not come from your payroll team?',
      choices: [
        'The subject mentions a deadline',
        'The message was sent early in the morning',
        'The sender domain is examp1e-hr.com (a digit 1 instead of the letter l) and replies go to yet another outside domain',
        'It is addressed to your own email address',
      ],
      answer: 2,
    },
  },
  {
    key: 'phishing-bec',
    name: 'Business email compromise and payment fraud',
    topic: 'phishing',
    summary: 'How criminals pose as managers and suppliers to get money paid or data sent, and the checks that stop them.',
    content: `<h2>A scam without a link</h2>
<p>Business email compromise (BEC) is fraud in which a criminal pretends to be a manager, a colleague or a supplier, or actually takes over their mailbox, and asks for a payment or for sensitive data. The message often contains no link and no attachment, only a believable request, so mail filters rarely stop it. It causes some of the largest losses of any cybercrime.</p>
<h2>Common versions</h2>
<ul>
<li><strong>Executive fraud.</strong> "I'm in a meeting and can't talk. I need you to make an urgent, confidential transfer" or "buy some gift cards for a client and send me the codes".</li>
<li><strong>Supplier invoice fraud.</strong> A supplier you really work with announces new bank details, often in a reply to a genuine invoice conversation the attacker has been reading.</li>
<li><strong>Payroll diversion.</strong> An "employee" asks HR to pay their salary into a new account.</li>
<li><strong>Data requests.</strong> Someone posing as a director or auditor asks for salary records, tax forms or customer lists.</li>
</ul>
<h2>The warning signs</h2>
<ul>
<li>A change of bank details, or a payment to a new account, arriving by email.</li>
<li>Urgency combined with secrecy: "don't tell anyone", "keep this between us".</li>
<li>The sender is suddenly hard to reach by phone or in person.</li>
<li>A reply address that differs from the sender, or a domain that is one character off.</li>
<li>A request that skips your normal approval process "just this once".</li>
</ul>
<p>The request may sit inside a real email thread, in the right tone, from the real account. Criminals now also use cloned voices and even deepfaked video calls to back up the story: in one widely reported case in 2024 an employee transferred tens of millions of dollars after a video meeting in which every other "colleague" was fake.</p>
<h2>How to stop it</h2>
<ol>
<li><strong>Verify on a known number.</strong> Call the person or supplier using contact details from your own records, never the ones in the message.</li>
<li><strong>Follow the process every time.</strong> Two-person approval and callback checks exist for exactly this situation. A genuine manager will not mind you following them.</li>
<li><strong>Treat bank detail changes as high risk.</strong> Confirm them by phone and in writing through an established channel before any money moves.</li>
<li><strong>Report quickly.</strong> If money has already gone, tell finance and security immediately: banks can sometimes recall a transfer, but only within hours.</li>
</ol>`,
    videoUrl: '',
    transcript: `Business email compromise is fraud by email, without any malware. A criminal pretends to be your manager, a colleague or a supplier, or takes over their real mailbox, and asks for money or data.
It comes in a few forms. The urgent, confidential transfer requested by a boss who cannot talk right now. The supplier who suddenly has new bank details. The employee who wants their salary paid into a new account. And the director who needs the salary records today.
Because there is often no link and no attachment, filters rarely catch it. And because the criminal may be writing from a real account, inside a real email thread, the message can look perfect. Some attackers even add a cloned voice or a deepfaked video call to make the story convincing.
So look for the pattern instead: money going to a new account, urgency together with secrecy, a sender who cannot be reached, and a request to skip the normal process.
The defence is simple and it works. Verify every payment change by calling a number from your own records. Follow the approval process every time, with no exceptions for seniority. And if money has already been sent, report it immediately, because banks can sometimes recall a transfer, but only if they hear about it within hours.`,
    quiz: [
      {
        question: 'Why do business email compromise messages often get past mail filters?',
        choices: ['They often contain no link or attachment, only a believable request', 'They are always sent at night', 'They are encrypted', 'They come from government domains'],
        answer: 0,
        explanation: 'Filters look for malicious links and files; a plain request from a plausible or real account gives them little to detect.',
      },
      {
        question: 'A long-standing supplier emails to say their bank details have changed. What should you do?',
        choices: ['Update the details, since the email is in the usual thread', 'Reply to the email asking them to confirm', 'Call the supplier on a number from your own records to confirm before changing anything', 'Pay the next invoice to both accounts'],
        answer: 2,
        explanation: 'The thread or mailbox may be controlled by the attacker, so confirmation must come through a channel you already trust.',
      },
      {
        question: 'Your director emails: "Urgent and confidential, buy five gift cards for a client and send me the codes. I can\'t take calls." Which sign is most telling?',
        choices: ['The director uses a short sentence', 'The email was sent from a phone', 'Urgency, secrecy and an unreachable sender combined with an unusual payment', 'Gift cards are a normal business expense'],
        answer: 2,
        explanation: 'Pressure, secrecy and a sender you cannot check are the classic ingredients of executive fraud, and gift card codes cannot be recovered once shared.',
      },
      {
        question: 'A manager on a video call asks you to skip the usual two-person approval for an urgent transfer. What is the right response?',
        choices: ['Do it, because you can see and hear the manager', 'Make half of the payment now', 'Ask a colleague to approve it without checking', 'Follow the normal approval process and verify the request through a known channel'],
        answer: 3,
        explanation: 'Voices and video can be faked; the approval process exists to protect you and works only if it has no exceptions.',
      },
      {
        question: 'You realise a payment you made an hour ago went to a fraudster. What matters most now?',
        choices: ['Deleting the emails involved', 'Waiting until the end of the month\'s reconciliation', 'Emailing the fraudster to ask for the money back', 'Reporting it to finance and security immediately'],
        answer: 3,
        explanation: 'Banks can sometimes stop or recall a transfer, but only if they are told within hours.',
      },
    ],
    passMark: 80,
    points: 20,
    minutes: 7,
    exercise: {
      instructions: 'You work in accounts payable. Read this email, which arrived as a reply in a genuine invoice thread with a supplier you pay every month.',
      material: `From: Maria Lopez <maria.lopez@northwind-supplies.com>
Reply-To: maria.lopez@northwind-suppIies.com
Subject: RE: Invoice 4471 - March delivery

Hi,

Thanks for confirming invoice 4471. Please note that due to an audit our bank account has changed.
Kindly make this and all future payments to the account below. Payment is needed today to avoid
a late fee. I'm travelling so email is best.

Bank: First Coastal Bank
Account: 55810273  Sort code: 20-44-91

Best regards,
Maria`,
      question: 'What is the right next step?',
      choices: [
        'Pay to the new account, because the message is in the genuine thread',
        'Reply to Maria asking her to confirm the new account',
        'Do not pay yet: the Reply-To domain uses a capital I instead of l; call the supplier on the number in your own records and report the email',
        'Pay the old account and ignore the email',
      ],
      answer: 2,
    },
  },
  {
    key: 'phishing-qr-codes',
    name: 'QR-code phishing',
    topic: 'phishing',
    summary: 'Why criminals hide links in QR codes, where you will meet them, and how to scan safely.',
    content: `<h2>A link you cannot read</h2>
<p>A QR code is just a web link drawn as a picture. That is what makes it useful to criminals: you cannot see where it leads until you scan it, many email filters do not look inside images, and scanning moves you from a protected work computer to your phone, where the address bar is small and company security tools may not be watching. Phishing with QR codes is sometimes called "quishing".</p>
<h2>Where you will meet them</h2>
<ul>
<li><strong>In email.</strong> "Your multi-factor authentication must be renewed: scan to keep access", "Scan to read the shared document", "Scan to sign your new contract". The code leads to a copy of a real sign-in page.</li>
<li><strong>On printed letters and parcels.</strong> Fake invoices, penalty notices and delivery cards with a code to "pay now".</li>
<li><strong>In public places.</strong> Stickers placed over the genuine code on parking meters, electric-vehicle chargers, restaurant tables and posters.</li>
</ul>
<h2>Scanning safely</h2>
<ol>
<li><strong>Be suspicious of QR codes in emails, especially ones that lead to a sign-in page.</strong> Your organisation will not ask you to renew your account or multi-factor authentication by scanning a code in an email.</li>
<li><strong>Read the address before you open it.</strong> Most camera apps show the link first. Check the domain just as you would for any link, and do not open shortened or unfamiliar addresses.</li>
<li><strong>Never enter work credentials after scanning a code.</strong> If you need to sign in, open the service from your bookmark or the official app instead.</li>
<li><strong>Pay through the official app or website.</strong> For parking, charging or fines, type the address printed by the operator or use the app you already have. Look for a sticker stuck over the original code.</li>
<li><strong>Report it.</strong> Report QR-code emails like any other phishing, and tell the owner of a tampered sign or meter.</li>
</ol>
<h2>One exception to know</h2>
<p>When you sign in with a passkey from a computer, your own browser may show a QR code so that you can use your phone. That code appears only in the browser's own window after you started the sign-in yourself, and your phone must be close to the computer. A QR code that arrives unasked in an email or on a letter is a different matter entirely.</p>`,
    videoUrl: '',
    transcript: `A QR code is just a web link drawn as a picture, and that is why criminals like it. You cannot see where it goes until you scan it, mail filters often do not look inside images, and scanning moves you to your phone, where the address is tiny and company protection may not reach.
You will meet malicious QR codes in three places. In email, where a message claims your account or your multi-factor authentication must be renewed, or a document is waiting to be signed. On paper, in fake invoices, fines and delivery cards. And in public, where stickers are placed over the real code on parking meters and chargers.
To stay safe: treat QR codes in emails with suspicion, especially if they lead to a sign-in page. Your organisation will not ask you to renew your account that way. Read the address your camera shows before opening it. Never type your work password after scanning a code; open the service from your bookmark or the official app. Pay for parking and fines through the official app or the address printed by the operator, and look for stickers over the original code.
One exception: when you sign in with a passkey, your own browser may show a QR code for your phone. That only happens after you started the sign-in yourself. A code that arrives unasked is another matter. Report it.`,
    quiz: [
      {
        question: 'Why do attackers like to put phishing links in QR codes?',
        choices: ['The link is hidden in an image and is usually opened on a phone with less protection', 'QR codes cannot lead to websites', 'QR codes are encrypted', 'Scanning a QR code is always safe'],
        answer: 0,
        explanation: 'Filters may not read the image, you cannot see the link, and the phone that opens it is often outside company protection.',
      },
      {
        question: 'An email says "Your MFA expires today, scan this code to keep access". What is the right response?',
        choices: ['Scan it quickly before access expires', 'Forward it to colleagues to warn them, then scan it', 'Scan it on a personal phone instead of a work phone', 'Do not scan it; report the email as phishing'],
        answer: 3,
        explanation: 'Account and MFA renewals are not done by scanning a code in an email; this is a classic credential-phishing lure.',
      },
      {
        question: 'You want to pay at a parking meter that has a QR code sticker on it. What is the safest choice?',
        choices: ['Pay with the operator\'s official app or the web address printed on the meter itself', 'Scan the sticker; meters are owned by the city', 'Scan the code and enter your card details only if the page looks professional', 'Ask a passer-by to scan it for you'],
        answer: 0,
        explanation: 'Criminals stick their own codes over genuine ones, so using the official app or printed address avoids the trap.',
      },
      {
        question: 'After scanning a code, your phone shows a page asking for your work email and password. What should you do?',
        choices: ['Enter them if the page shows the company logo', 'Close the page and open the service from your bookmark or official app if you need it', 'Enter only your password', 'Enter them but change your password tomorrow'],
        answer: 1,
        explanation: 'A logo proves nothing; going to the service by a route you trust means you never type credentials into a page an attacker chose.',
      },
      {
        question: 'When is a QR code shown during sign-in expected?',
        choices: ['When it arrives by email from IT', 'When your own browser shows it after you started a passkey sign-in yourself', 'When it is printed on a letter from your bank', 'Whenever the code looks official'],
        answer: 1,
        explanation: 'Passkey sign-in can use a QR code in the browser\'s own window, started by you and requiring your phone to be nearby; unsolicited codes are not part of it.',
      },
    ],
    passMark: 80,
    points: 15,
    minutes: 5,
    exercise: null,
  },
  // ------------------------------------------------------------- credentials
  {
    key: 'credentials-passwords',
    name: 'Passwords and password managers',
    topic: 'credentials',
    summary: 'How passwords are really stolen, what makes a strong one, and why a password manager makes life easier and safer.',
    content: `<h2>How passwords are really stolen</h2>
<p>Very few passwords are cracked by a genius hacker guessing letter by letter. Most are simply collected:</p>
<ul>
<li><strong>Phishing.</strong> You are tricked into typing the password into a fake page.</li>
<li><strong>Reuse.</strong> A website you used years ago is breached, and criminals automatically try the same email and password on hundreds of other services. This is called credential stuffing, and it works whenever a password is used in more than one place.</li>
<li><strong>Guessing.</strong> Short and common passwords, such as a season and a year or a football team with an exclamation mark, are tried first by every attack tool.</li>
<li><strong>Malware.</strong> Information-stealing software on an infected device copies saved passwords and browser sessions.</li>
</ul>
<h2>What makes a password strong</h2>
<p>Length beats complexity. A passphrase of four or more random, unrelated words, such as <em>copper lantern orbit meadow</em>, is long, easy to type and much harder to guess than a short jumble of symbols. Current guidance recommends at least 15 characters for a password that is used on its own. Avoid anything connected to you: names, birthdays, pets, teams or your company's name.</p>
<p>Most important of all: <strong>every account gets its own password.</strong> One breached website should never unlock your work mailbox.</p>
<h2>Let a password manager do the work</h2>
<p>Nobody can remember dozens of long, unique passwords, and nobody needs to. A password manager creates and stores them, fills them in for you, and syncs them between your devices. You remember only one strong passphrase to unlock it, protected by multi-factor authentication. Use the manager your organisation provides for work accounts.</p>
<p>A password manager also protects you from phishing: it fills in a password only on the exact website it was saved for. If it does not offer your password on a page that looks like your usual sign-in page, stop and look closely at the address.</p>
<h2>Simple rules</h2>
<ul>
<li>Never share your password, not even with IT. The service desk never needs it.</li>
<li>Do not write passwords on notes or store them in an unprotected document.</li>
<li>If you think a password has been exposed, change it at once and report it.</li>
<li>Where a service offers passkeys or multi-factor authentication, turn them on.</li>
</ul>`,
    videoUrl: '',
    transcript: `How do criminals get passwords? Mostly not by clever guessing. They collect them. Through phishing pages. Through breaches of old websites, after which they try the same email and password everywhere else, which is called credential stuffing. Through guessing the common patterns everyone uses, like a season and a year. And through malware that copies saved passwords from infected devices.
So what makes a good password? Length, more than complexity. Four or more random words, like copper lantern orbit meadow, make a passphrase that is easy to type and hard to guess. Aim for at least fifteen characters, and avoid anything connected to you, your family or your company.
Above all, use a different password for every account, so that one breach never opens another door.
Nobody can remember dozens of those, and you do not have to. A password manager creates, stores and fills them in for you. You remember just one strong passphrase, protected with multi-factor authentication. As a bonus, the manager fills a password only on the exact site it belongs to, so if it stays silent on a page that looks familiar, check the address carefully.
Finally: never share your password, not even with IT; do not keep it on a sticky note; and if you think it has been exposed, change it and report it straight away.`,
    quiz: [
      {
        question: 'What is credential stuffing?',
        choices: ['Trying usernames and passwords leaked from one site on many other sites', 'Guessing a password one letter at a time', 'Storing too many passwords in a manager', 'Sending a password by email'],
        answer: 0,
        explanation: 'Criminals automate logins with leaked pairs, which succeeds wherever the same password was reused.',
      },
      {
        question: 'Which of these is the strongest password?',
        choices: ['Summer2026!', 'P@ssw0rd#1', 'CompanyName123', 'copper lantern orbit meadow'],
        answer: 3,
        explanation: 'A long passphrase of random words is much harder to guess than short, predictable patterns with symbols added.',
      },
      {
        question: 'Your password manager does not offer to fill in your password on what looks like your usual sign-in page. What might that mean?',
        choices: ['The manager is broken and should be uninstalled', 'The page may be on a different, possibly fake, address', 'You should copy the password in manually', 'The website has changed its password rules'],
        answer: 1,
        explanation: 'Managers match the exact site address, so silence on a familiar-looking page is a hint that it may be a look-alike.',
      },
      {
        question: 'Someone from the service desk calls and asks for your password to fix a problem. What do you do?',
        choices: ['Give it, because they are from IT', 'Refuse, end the call and report it; IT never needs your password', 'Give only half of it', 'Change your password first and then give them the new one'],
        answer: 1,
        explanation: 'Genuine IT staff can reset or access what they need without your password; a request for it is a warning sign.',
      },
      {
        question: 'Why should every account have its own password?',
        choices: ['Because websites require it by law', 'So that a breach of one site cannot be used to open your other accounts', 'Because it makes passwords shorter', 'So you can share some of them safely'],
        answer: 1,
        explanation: 'Unique passwords stop one leak from turning into many compromised accounts.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 6,
    exercise: null,
  },
  {
    key: 'credentials-mfa',
    name: 'Multi-factor authentication and MFA fatigue',
    topic: 'credentials',
    summary: 'What multi-factor authentication protects against, how attackers try to get around it, and the one rule for approving a sign-in prompt.',
    content: `<h2>Why one factor is not enough</h2>
<p>Multi-factor authentication (MFA) asks for something you know (a password) plus something you have (a phone, a security key) or something you are (a fingerprint or face). A stolen password alone is then no longer enough to get in. It blocks the great majority of account takeovers, which is why it is switched on for your work accounts.</p>
<h2>Not all methods are equally strong</h2>
<ul>
<li><strong>Text message codes</strong> are better than nothing, but they can be intercepted or redirected by SIM swapping, where a criminal convinces a mobile operator to move your number to their card.</li>
<li><strong>Authenticator app codes and push notifications</strong> are stronger, especially push prompts that ask you to type a number shown on the sign-in screen (number matching).</li>
<li><strong>Passkeys and hardware security keys</strong> are phishing-resistant: they check the real website address themselves, so a fake page cannot use them.</li>
</ul>
<h2>How attackers try to get around MFA</h2>
<ul>
<li><strong>MFA fatigue, or push bombing.</strong> An attacker who already has your password triggers sign-in prompts again and again, often late at night, hoping you tap Approve to make them stop. Some follow up with a call or message pretending to be IT: "Just approve the prompt so we can fix your account."</li>
<li><strong>Code relay.</strong> A caller or text asks you to read out or forward the code you just received. That code is the key to your account.</li>
<li><strong>Real-time phishing pages.</strong> Some phishing kits sit between you and the real site, pass your password and code through, and steal the signed-in session. Only phishing-resistant methods fully defeat them.</li>
</ul>
<h2>The rules</h2>
<ol>
<li><strong>Approve only a sign-in you started yourself, a moment ago.</strong> If you did not just try to sign in, the answer is Deny.</li>
<li><strong>An unexpected prompt means someone has your password.</strong> Deny it, change your password and report it to security straight away.</li>
<li><strong>Never share a code.</strong> No genuine colleague, bank or IT team will ask you to read out or forward a sign-in code.</li>
<li><strong>Choose the strongest option offered.</strong> Use a passkey or security key where available, otherwise an authenticator app with number matching, rather than text messages.</li>
</ol>`,
    videoUrl: '',
    transcript: `Multi-factor authentication combines something you know, your password, with something you have, like your phone, or something you are, like your fingerprint. With it, a stolen password alone is no longer enough, and that stops most account takeovers.
Some methods are stronger than others. Text message codes can be redirected if a criminal talks your mobile operator into moving your number. Authenticator apps and push prompts with number matching are better. Passkeys and security keys are the best, because they check the real website address themselves and cannot be used on a fake page.
Attackers know all this, so they try to get you to do the work for them. In MFA fatigue, also called push bombing, someone who already has your password sends prompt after prompt, often at night, hoping you will approve one just to make it stop. Sometimes they call pretending to be IT and ask you to approve it. Others ask you to read out a code you just received. And some phishing pages relay your password and code to the real site in real time.
So remember one rule: approve only a sign-in you started yourself, a moment ago. An unexpected prompt means your password is known to someone else. Deny it, change your password and report it. Never share a code with anyone. And when you can choose, pick a passkey or a security key.`,
    quiz: [
      {
        question: 'Your phone shows a sign-in approval request, but you are not signing in to anything. What should you do?',
        choices: ['Approve it, it is probably a system update', 'Approve it and then change your password', 'Ignore it until it stops', 'Deny it, change your password and report it'],
        answer: 3,
        explanation: 'A prompt you did not start means someone is using your password; denying, changing it and reporting stops them.',
      },
      {
        question: 'What is MFA fatigue (push bombing)?',
        choices: ['An attacker with your password sending repeated prompts hoping you approve one', 'Being asked to sign in too often by your company', 'A battery problem with authenticator apps', 'Forgetting which MFA app you use'],
        answer: 0,
        explanation: 'The attacker relies on annoyance or confusion to get a single approval.',
      },
      {
        question: 'A caller from "the IT service desk" asks you to read out the six-digit code just sent to your phone. What is the right response?',
        choices: ['Read it out, as the call is from IT', 'Send it by text message instead', 'Refuse, hang up and report the call', 'Read out only the first three digits'],
        answer: 2,
        explanation: 'Sign-in codes are never needed by anyone else; whoever holds the code can get into your account.',
      },
      {
        question: 'Which MFA method is phishing-resistant?',
        choices: ['A passkey or hardware security key', 'A code sent by text message', 'A code sent by email', 'Security questions'],
        answer: 0,
        explanation: 'Passkeys and security keys check the real website\'s address, so a fake site cannot make use of them.',
      },
      {
        question: 'Why are text message codes considered the weakest common MFA method?',
        choices: ['They expire too slowly', 'They only work in some countries', 'Phone numbers can be hijacked through SIM swapping and codes can be intercepted', 'They require an internet connection'],
        answer: 2,
        explanation: 'A criminal who takes over your phone number receives your codes, which is why app-based and phishing-resistant methods are preferred.',
      },
    ],
    passMark: 80,
    points: 20,
    minutes: 7,
    exercise: {
      instructions: 'Read what happened to Sam one evening and decide what Sam should do next.',
      material: `23:41  Push notification: "Approve sign-in to Example Corp? Location: unknown"  (Sam is at home, not signing in)
23:42  Push notification: "Approve sign-in to Example Corp? Location: unknown"
23:44  Push notification: "Approve sign-in to Example Corp? Location: unknown"
23:46  Chat message from an unknown account called "IT Support": "Hi Sam, we're migrating accounts tonight.
       Please approve the next prompt so your mailbox isn't locked tomorrow."`,
      question: 'What is the right thing for Sam to do?',
      choices: [
        'Deny the prompts, change the password straight away and report the prompts and the chat message to security',
        'Approve the next prompt, as IT announced the migration',
        'Turn the phone off and deal with it in the morning',
        'Reply to "IT Support" to ask for more details first',
      ],
      answer: 0,
    },
  },
  {
    key: 'credentials-passkeys',
    name: 'Passkeys: signing in without a password',
    topic: 'credentials',
    summary: 'What a passkey is, why it cannot be phished, and how to use one safely on your devices.',
    content: `<h2>What a passkey is</h2>
<p>A passkey replaces a password with a pair of cryptographic keys. When you create a passkey for a website, your device makes two matching keys: a <strong>private key</strong> that never leaves your device or password manager, and a <strong>public key</strong> that the website stores. To sign in, the website sends a challenge, your device signs it with the private key after you unlock it with your fingerprint, face or device PIN, and the website checks the signature with the public key.</p>
<p>You never type anything secret, and there is nothing for the website to lose: a stolen public key is useless to a criminal.</p>
<h2>Why passkeys cannot be phished</h2>
<p>Each passkey is tied to the exact website it was created for. Your device checks the address of the site asking for it, so a look-alike page simply does not get an answer, however convincing it looks. There is also no code to read out and no password to reuse. That is why passkeys, like hardware security keys, are called <em>phishing-resistant</em>.</p>
<h2>Where passkeys live</h2>
<ul>
<li><strong>Synced passkeys</strong> are stored in a password manager or in your phone's or computer's platform account, and are available on all your devices signed in to it.</li>
<li><strong>Device-bound passkeys</strong> stay on a single piece of hardware, such as a security key on your key ring. Some organisations require these for high-risk accounts.</li>
</ul>
<h2>Using passkeys safely</h2>
<ol>
<li>Create passkeys from the account or security settings of a service you opened yourself, never from a link in an unexpected message.</li>
<li>Protect the device and the account that holds your passkeys with a strong screen lock and multi-factor authentication, because they now guard everything else.</li>
<li>To sign in on a computer that does not have your passkey, the browser can show a QR code for your phone to scan. This only happens inside the browser's own sign-in window after you started, and your phone must be nearby.</li>
<li>Keep a recovery option (a second device, a security key or recovery codes) so that a lost phone does not lock you out.</li>
<li>If a device holding passkeys is lost or stolen, report it so that access can be removed.</li>
</ol>`,
    videoUrl: '',
    transcript: `A passkey is a way of signing in without a password. When you create one, your device makes two matching keys. The private key stays on your device or in your password manager. The public key goes to the website. To sign in, you unlock your device with your fingerprint, your face or your PIN, the device proves it holds the private key, and you are in.
You never type a secret, and if the website is ever breached, the public key it stored is useless to criminals.
The best part is that passkeys cannot be phished. Each passkey is tied to the real website's address. Your device checks that address, so a fake page gets nothing, however convincing it looks. That is why passkeys are called phishing-resistant.
Passkeys can be synced through your password manager or your phone's account, so they are on all your devices, or they can live on a single security key.
Use them safely. Create passkeys from the settings of a service you opened yourself. Protect the phone or account that holds them with a strong lock and multi-factor authentication. If you sign in on another computer, your browser may show a QR code for your phone, but only after you started the sign-in. Keep a recovery option, and report a lost device straight away.`,
    quiz: [
      {
        question: 'Where does the private key of a passkey stay?',
        choices: ['On the website\'s server', 'In an email sent to you', 'On your device or in your password manager', 'On a sticky note'],
        answer: 2,
        explanation: 'Only the public key is given to the website; the private key stays with you.',
      },
      {
        question: 'Why can a fake website not use your passkey?',
        choices: ['Fake websites are blocked by the internet provider', 'The fake site cannot display a sign-in button', 'Passkeys expire after each use', 'The passkey is tied to the real site\'s address and your device checks it'],
        answer: 3,
        explanation: 'Your device only uses a passkey for the exact domain it belongs to, so look-alikes get nothing.',
      },
      {
        question: 'What happens if a website that stores your passkey\'s public key is breached?',
        choices: ['Criminals can sign in as you everywhere', 'Criminals can read your fingerprint', 'You must replace your phone', 'The public key alone does not let anyone sign in as you'],
        answer: 3,
        explanation: 'Signing in needs the private key, which never left your device.',
      },
      {
        question: 'An email invites you to "upgrade to passkeys" through a link. What should you do?',
        choices: ['Follow the link and create the passkey', 'Reply with your current password', 'Forward the email to colleagues', 'Open the service yourself and look in its security settings'],
        answer: 3,
        explanation: 'Going to the service by a route you trust avoids giving an attacker a chance to interfere.',
      },
      {
        question: 'Why should you keep a recovery option such as a second device or recovery codes?',
        choices: ['So you can share your passkey with colleagues', 'Because websites require two passwords', 'Because passkeys stop working after a month', 'So that losing your phone does not lock you out of your accounts'],
        answer: 3,
        explanation: 'A backup method lets you regain access safely if the device holding your passkeys is lost.',
      },
    ],
    passMark: 80,
    points: 15,
    minutes: 5,
    exercise: null,
  },
  // -------------------------------------------------------------------- data
  {
    key: 'data-classification',
    name: 'Classifying and handling information',
    topic: 'data',
    summary: 'How to tell how sensitive a piece of information is, and how to store, share and dispose of it accordingly.',
    content: `<h2>Why classification matters</h2>
<p>Not all information needs the same protection. A published price list can go anywhere; a file of customers' bank details can cause real harm, fines and lost trust if it leaks. Classification is simply agreeing how sensitive something is, so that everyone knows how to handle it without having to think it through each time.</p>
<h2>A typical scheme</h2>
<p>Many organisations use four levels. Yours may use different names: always follow your own policy.</p>
<ul>
<li><strong>Public</strong>: meant for anyone, such as press releases, the website and published brochures.</li>
<li><strong>Internal</strong>: for staff, harmless but not for outsiders, such as the office floor plan, internal newsletters and most procedures.</li>
<li><strong>Confidential</strong>: would harm the organisation or people if disclosed, such as contracts, customer lists, unannounced results and most personal data.</li>
<li><strong>Restricted</strong>: the most sensitive, for a small named group, such as salary and health records, bank and card details, passwords and keys, merger plans.</li>
</ul>
<h2>Handling by level</h2>
<ul>
<li><strong>Store</strong> confidential and restricted information only in approved systems, never on personal devices, personal cloud accounts or unencrypted USB sticks.</li>
<li><strong>Share</strong> it only with people who need it for their work, and only the part they need: an extract rather than the whole database.</li>
<li><strong>Send</strong> it through approved, encrypted channels, and double-check the recipient.</li>
<li><strong>Print</strong> it only when necessary, collect it from the printer at once, and lock it away.</li>
<li><strong>Dispose</strong> of it securely: shredding bins for paper, and IT for old devices and drives.</li>
</ul>
<h2>Personal data deserves extra care</h2>
<p>Information about identifiable people is protected by privacy laws such as the GDPR. Collect only what you need, use it only for the purpose it was collected for, keep it only as long as necessary, and never copy it into places your organisation does not control.</p>
<h2>Practical tips</h2>
<ul>
<li>Label documents when you create them, so that the next person knows the level.</li>
<li>When in doubt, treat information as the higher level and ask.</li>
<li>Remember that combined data can be more sensitive than its parts: a list of names is one thing, names with home addresses and salaries are another.</li>
</ul>`,
    videoUrl: '',
    transcript: `Not all information needs the same protection. A price list on your website can go anywhere. A spreadsheet of customers' bank details can cause real harm if it leaks. Classification is how we agree how sensitive something is, so everyone knows how to handle it.
Many organisations use four levels. Public, for anything meant for everyone. Internal, for staff only, but not harmful if it slips out. Confidential, for things like contracts, customer lists and most personal data, which would cause harm if disclosed. And Restricted, for the most sensitive things: salaries, health records, bank details, passwords and secret plans. Your organisation may use other names, so follow your own policy.
The level decides the handling. Keep confidential and restricted information in approved systems only, never on personal devices or personal cloud storage. Share it only with people who need it, and only the part they need. Send it through approved, encrypted channels and check the recipient twice. Collect printouts at once. And dispose of it securely, in shredding bins or through IT.
Personal data needs extra care, because privacy laws protect it. Collect only what you need and keep it only as long as you need it.
Finally, label what you create, choose the higher level when in doubt, and remember that combining data can make it more sensitive.`,
    quiz: [
      {
        question: 'Which of these would typically be classified as Restricted?',
        choices: ['A press release', 'Employees\' salary and health records', 'The staff canteen menu', 'The public price list'],
        answer: 1,
        explanation: 'Salary and health data are highly sensitive personal information that only a small named group should see.',
      },
      {
        question: 'You are not sure how sensitive a document is. What should you do?',
        choices: ['Treat it as Public until someone complains', 'Treat it as the higher level and ask the owner or your security team', 'Delete it', 'Post it in a team chat to ask everyone'],
        answer: 1,
        explanation: 'Erring on the side of care avoids accidental disclosure while you find out the right level.',
      },
      {
        question: 'A colleague needs the email addresses of ten customers for a mailing. What should you share?',
        choices: ['The whole customer database so they have everything', 'Only the ten email addresses they need, through an approved channel', 'Your login so they can look themselves', 'A printout of the database'],
        answer: 1,
        explanation: 'Sharing only what is needed, with only who needs it, limits the harm if anything goes wrong.',
      },
      {
        question: 'Where may you store a Confidential customer contract?',
        choices: ['In your personal cloud storage for easy access', 'In the organisation\'s approved document system', 'On an unencrypted USB stick', 'In your personal email inbox'],
        answer: 1,
        explanation: 'Approved systems have the access controls, backups and monitoring that confidential data needs.',
      },
      {
        question: 'Why can a combined dataset be more sensitive than its parts?',
        choices: ['Because linking details, such as names with addresses and salaries, reveals more about people', 'Because larger files are harder to send', 'Because combined data cannot be encrypted', 'It cannot; sensitivity never changes'],
        answer: 0,
        explanation: 'Joining data creates a fuller picture of individuals, which raises the harm if it leaks.',
      },
    ],
    passMark: 80,
    points: 15,
    minutes: 6,
    exercise: {
      instructions: 'Your organisation uses the four levels from this lesson: Public, Internal, Confidential and Restricted. Look at the description of this file and classify it.',
      material: `File name: team-overview-2026.xlsx
Columns: Full name, Job title, Home address, Date of birth, Annual salary, Bank account number
Rows: 48 employees of the sales department
Created by: HR, for the annual pay review`,
      question: 'Which level fits this file, and who should be able to open it?',
      choices: [
        'Public: anyone, since names and job titles appear on the website',
        'Internal: every member of staff',
        'Confidential: the whole sales department',
        'Restricted: only the small named group in HR running the pay review',
      ],
      answer: 3,
    },
  },
  {
    key: 'data-sharing',
    name: 'Sharing files safely: links, email and AI tools',
    topic: 'data',
    summary: 'Everyday ways information leaks by accident, from open sharing links to the wrong recipient, and the habits that prevent them.',
    content: `<h2>Most leaks are accidents</h2>
<p>Many data breaches are not caused by hackers at all, but by a well-meaning person sharing too much, with the wrong person, or in the wrong place. A few habits prevent most of them.</p>
<h2>Sharing links</h2>
<p>Cloud storage makes sharing easy, sometimes too easy.</p>
<ul>
<li><strong>Prefer "specific people" over "anyone with the link".</strong> An open link works for whoever gets hold of it: a forwarded email, a pasted chat message or a search engine.</li>
<li><strong>Give the least access needed.</strong> View-only unless the person really must edit; no download where your tool allows it for sensitive files.</li>
<li><strong>Set an expiry date</strong> for links to external people.</li>
<li><strong>Review and remove</strong> old shares regularly, especially when a project ends or someone leaves.</li>
</ul>
<h2>Email</h2>
<ul>
<li><strong>Check the recipient before you press Send.</strong> Address autocomplete happily picks the wrong "Chris".</li>
<li><strong>Think before Reply All</strong>, and use Bcc when writing to many external people, so that you do not reveal everyone's addresses.</li>
<li><strong>Send the minimum.</strong> An extract rather than the whole spreadsheet, and check hidden sheets, comments and tracked changes before sending a document outside.</li>
<li><strong>Do not forward work files to personal email</strong> or upload them to personal cloud storage, even to work from home. Use the approved remote-access tools.</li>
</ul>
<h2>AI assistants and online tools</h2>
<p>Text pasted into a public AI chatbot, translation site, file converter or code formatter leaves your organisation's control and may be stored, reviewed or used to train future models. Use only the AI tools your organisation has approved, and do not paste confidential data, personal data, passwords or source code into anything else.</p>
<h2>When something goes wrong</h2>
<p>If you send data to the wrong person, share a link too widely or paste something you should not have, <strong>report it straight away</strong>. Often the email can be recalled, the link disabled or the recipient asked to delete it. Some data breaches must also be reported to regulators within tight deadlines (under the GDPR, 72 hours after the organisation becomes aware), so every hour counts. You will be thanked for reporting, not blamed.</p>`,
    videoUrl: '',
    transcript: `Most data leaks are not caused by hackers. They happen when a well-meaning person shares too much, with the wrong person, or in the wrong place.
Start with sharing links. Choose specific people rather than anyone with the link, because an open link works for whoever gets hold of it. Give view-only access unless editing is really needed, set an expiry date for outsiders, and clean up old shares when a project ends.
With email, check the recipient before you press send, because autocomplete loves to pick the wrong person. Think twice before Reply All, and use Bcc when writing to many external people. Send the minimum: an extract instead of a whole spreadsheet, and check for hidden sheets and comments. And do not forward work files to your personal email or cloud storage.
Be careful with AI chatbots and free online tools. Anything you paste into them leaves your organisation's control and may be stored or used for training. Use only the tools your organisation has approved, and keep confidential data, personal data, passwords and source code out of everything else.
And if something goes wrong, report it straight away. Often an email can be recalled or a link switched off. Some breaches must be reported to regulators within seventy-two hours, so every hour counts, and you will be thanked for speaking up.`,
    quiz: [
      {
        question: 'You need to share a confidential report with two external partners. Which sharing setting is best?',
        choices: ['Anyone with the link can edit', 'Anyone with the link can view', 'Only the two named people can view, with an expiry date', 'Post it on the public website'],
        answer: 2,
        explanation: 'Restricting access to named people, with the least rights and an end date, keeps control if the link is forwarded.',
      },
      {
        question: 'Why is an "anyone with the link" share risky for sensitive files?',
        choices: ['Anyone who obtains the link, for example from a forwarded email, can open the file', 'It makes the file larger', 'It deletes the file after a day', 'It only works on phones'],
        answer: 0,
        explanation: 'Links travel; an open link grants access to whoever ends up holding it.',
      },
      {
        question: 'You want to summarise a customer complaint containing names and account numbers with a free public AI chatbot. What should you do?',
        choices: ['Paste it in; chatbots forget everything', 'Use only an AI tool your organisation has approved, and leave out personal data', 'Paste it in from your personal laptop instead', 'Translate it first and then paste it in'],
        answer: 1,
        explanation: 'Public tools may store or train on what you paste, so personal and confidential data must stay in approved tools.',
      },
      {
        question: 'You emailed a spreadsheet of customer data to the wrong "Chris". What now?',
        choices: ['Say nothing and hope they delete it', 'Send a second email asking them to ignore it and leave it there', 'Report it to your security or privacy team straight away', 'Wait a week to see if they reply'],
        answer: 2,
        explanation: 'Reporting quickly lets the team contain the leak and meet any legal deadline for notifying regulators.',
      },
      {
        question: 'You want to finish a report at home. What is the right way to get the file?',
        choices: ['Forward it to your personal email', 'Upload it to your personal cloud storage', 'Use the approved remote-access or work cloud tools', 'Copy it to any USB stick'],
        answer: 2,
        explanation: 'Approved tools keep the file under the organisation\'s protection instead of scattering copies in personal accounts.',
      },
    ],
    passMark: 80,
    points: 15,
    minutes: 6,
    exercise: null,
  },
  // ------------------------------------------------------------------ social
  {
    key: 'social-vishing',
    name: 'Phone scams, callback phishing and voice cloning',
    topic: 'social',
    summary: 'How criminals use phone calls, fake call-back numbers and cloned voices, and how to verify a caller without being rude.',
    content: `<h2>Why criminals pick up the phone</h2>
<p>A phone call feels personal and urgent, and it gives you no time to think or to check. Voice phishing, or "vishing", uses that pressure. The caller may claim to be from the IT service desk, your bank, a supplier, the police, the tax office or a senior manager, and the number on your screen proves nothing: caller ID is easy to fake.</p>
<h2>Three tactics to know</h2>
<ul>
<li><strong>The helpful "IT" call.</strong> "We've detected a problem with your account. I'll send you a code, just read it back to me" or "please install this remote-support tool so I can fix it". Criminals also call the real service desk pretending to be an employee, to get a password or MFA reset. Several major breaches started exactly this way.</li>
<li><strong>Callback phishing.</strong> An email says you have been charged for a subscription, an antivirus renewal or an order you never made, and gives a phone number "to cancel". The email contains no link, so filters let it through. When you call, a friendly agent talks you into installing remote-access software or entering bank details.</li>
<li><strong>Voice cloning.</strong> A few seconds of someone's voice, taken from a video, a podcast or a voicemail greeting, is enough for AI tools to imitate it. A call or voice message that sounds exactly like your manager, a colleague or a family member is no longer proof that it is them.</li>
</ul>
<h2>Warning signs</h2>
<ul>
<li>Urgency, secrecy, or threats of consequences if you do not act now.</li>
<li>Requests for passwords, sign-in codes, payments, gift cards or remote access.</li>
<li>Pressure not to hang up or not to check with anyone.</li>
<li>A story that does not quite fit, or a familiar voice asking for something unusual.</li>
</ul>
<h2>How to verify</h2>
<ol>
<li><strong>Hang up and call back</strong> on a number you already know: the directory, the back of your bank card, the supplier's record. Never use the number the caller gives you.</li>
<li><strong>Check through a second channel</strong>, such as a chat message to the person's known account.</li>
<li><strong>Use a verification question or code word</strong> for high-risk requests, if your team has one.</li>
<li><strong>Never install software, share a code or make a payment</strong> because someone asked on an unexpected call.</li>
<li><strong>Report the call</strong>, with the number, time and what was asked.</li>
</ol>
<p>Ending a call to verify is not rude. Genuine colleagues, banks and IT teams expect it.</p>`,
    videoUrl: '',
    transcript: `Criminals love the phone. A call feels personal and urgent, and it leaves no time to think. And the number on your screen proves nothing, because caller ID is easy to fake.
Watch for three tactics. First, the helpful IT call: there is a problem with your account, please read me the code I just sent, or install this remote-support tool. Criminals also call the real service desk pretending to be you, to get your password or MFA reset.
Second, callback phishing. An email says you have been charged for a subscription you never ordered and gives a number to cancel. There is no link, so it slips past filters. When you call, a friendly agent talks you into installing remote-access software or entering your bank details.
Third, voice cloning. A few seconds of audio from a video or a voicemail greeting is enough for AI to imitate someone's voice. So a call that sounds exactly like your manager is no longer proof that it is your manager.
The signs are familiar: urgency, secrecy, threats, requests for codes, payments, gift cards or remote access, and pressure to stay on the line.
The defence is to verify. Hang up and call back on a number you already know. Check through a second channel. Use a code word for high-risk requests if your team has one. Never install software, share a code or pay because of an unexpected call. And report it. Ending a call to check is not rude; it is exactly what genuine callers expect.`,
    quiz: [
      {
        question: 'Your phone shows your bank\'s real number, and the caller asks you to confirm a code they just texted you. What do you do?',
        choices: ['Hang up and call your bank on the number on your card', 'Read the code, since the number is genuine', 'Read only part of the code', 'Ask the caller for their name and then read the code'],
        answer: 0,
        explanation: 'Caller ID can be spoofed, and a genuine bank never needs you to read out a code; calling back on a known number is safe.',
      },
      {
        question: 'An email says your antivirus subscription renewed for 399 and gives a phone number to cancel. What is this likely to be?',
        choices: ['Callback phishing designed to get you to call the criminals', 'A genuine receipt', 'A spam filter test', 'A message from your IT team'],
        answer: 0,
        explanation: 'Callback phishing uses an alarming charge and a phone number so that you contact the attacker yourself.',
      },
      {
        question: 'A voice message that sounds exactly like your manager asks you to urgently pay a new supplier. Why is that not enough to act?',
        choices: ['Managers never leave voice messages', 'AI tools can clone a voice from a few seconds of audio', 'Voice messages are always spam', 'Payments can only be requested in person'],
        answer: 1,
        explanation: 'Cloned voices are cheap and convincing, so unusual requests must be verified through a known channel.',
      },
      {
        question: 'A caller from "IT" asks you to install a remote-support tool so they can fix a problem you did not report. What should you do?',
        choices: ['Install it, as IT knows best', 'Install it but watch what they do', 'Decline, end the call and contact the service desk through its usual number to check', 'Give them your password instead'],
        answer: 2,
        explanation: 'Remote-access tools give the caller full control of your computer; verify with the real service desk first.',
      },
      {
        question: 'What is the safest way to verify a caller who says they are from one of your suppliers?',
        choices: ['Ask them to give you their phone number and call it back', 'Ask them a question about the weather', 'Call the supplier on the number stored in your own records', 'Trust them if they know your name'],
        answer: 2,
        explanation: 'A number from your own records reaches the real supplier; a number from the caller may reach the criminal again.',
      },
    ],
    passMark: 80,
    points: 20,
    minutes: 7,
    exercise: {
      instructions: 'Read this phone call between Alex, who works in finance, and a caller. Find the moment where Alex should end the call.',
      material: `Caller: Hi Alex, it's Daniel from the IT service desk. Your number shows up on our list of accounts
        affected by tonight's security update.
Alex:   Oh, OK. What do I need to do?
Caller: Nothing complicated. I'll push a verification to your phone. When it arrives, just read me the
        six-digit code so I can confirm it's really you.
Alex:   Right...
Caller: And afterwards I'll send a link to a small support tool so I can finish the update on your
        laptop. Please don't log off, otherwise your account will be locked for 24 hours.`,
      question: 'What should Alex do?',
      choices: [
        'Read out the code, because the caller knows Alex\'s name and number',
        'Read out the code but refuse to install the tool',
        'Install the tool but not read out the code',
        'End the call without giving the code or installing anything, then call the service desk on its known number and report the call',
      ],
      answer: 3,
    },
  },
  {
    key: 'social-smishing',
    name: 'Text message and chat scams (smishing)',
    topic: 'social',
    summary: 'Scam text messages and chat messages: the usual stories, why phones make them harder to spot, and what to do instead of tapping.',
    content: `<h2>Phishing in your pocket</h2>
<p>Smishing is phishing by text message. The same tricks now also arrive through messaging apps and workplace chat. Phones make these messages harder to judge: the screen is small, links are shortened, there is no sender address to inspect, and we tend to read and act on messages quickly, on the move.</p>
<h2>The usual stories</h2>
<ul>
<li><strong>Parcel delivery.</strong> "Your package is on hold, pay a small redelivery fee." The small amount is a trick: the real goal is your card details.</li>
<li><strong>Unpaid tolls, fines and taxes.</strong> "Pay today to avoid a penalty."</li>
<li><strong>Bank security alerts.</strong> "Did you make this payment? If not, tap here", often followed by a call from a fake fraud team.</li>
<li><strong>"New number" messages.</strong> "Hi, it's me, I lost my phone, this is my new number." The sender poses as a family member, or as a manager who then asks for gift cards or an urgent favour.</li>
<li><strong>Fake sign-in codes and account alerts.</strong> "Someone tried to sign in, reply with the code to block them."</li>
<li><strong>Job offers and easy money</strong> from "recruiters" you never contacted.</li>
</ul>
<h2>Warning signs</h2>
<ul>
<li>An unknown number or sender name, or an email address sending a text.</li>
<li>Odd or shortened links, and domains that only look like the real company.</li>
<li>A small payment, a code or personal details requested urgently.</li>
<li>Someone you know writing from a new number and asking for money.</li>
</ul>
<h2>What to do</h2>
<ol>
<li><strong>Do not tap the link and do not reply</strong>, not even with "STOP" to a message you do not trust.</li>
<li><strong>Check through the official route</strong>: open the courier's, bank's or authority's own app or type their address yourself.</li>
<li><strong>Confirm "new number" messages by calling the person's old number</strong> or asking a question only they can answer.</li>
<li><strong>Report it.</strong> Report work-related messages to your security team. In many countries, including the UK, the US and Canada, you can forward scam texts to 7726 so the mobile operator can block the sender.</li>
<li><strong>If you entered card details, call your bank at once</strong> using the number on your card.</li>
</ol>`,
    videoUrl: '',
    transcript: `Smishing is phishing by text message, and the same tricks now arrive through messaging apps and work chat too. Phones make them harder to spot: small screens, shortened links, no sender address to check, and we read messages quickly while doing something else.
The stories repeat. A parcel on hold with a small fee to pay. An unpaid toll or fine. A bank alert asking whether you made a payment. A family member or a manager writing from a new number and asking for money or gift cards. A message asking you to reply with a sign-in code. A job offer you never applied for.
The signs are an unknown sender, an odd or shortened link, a domain that only looks like the real company, urgency, and a request for a payment, a code or your details.
So here is what to do. Do not tap the link, and do not reply. Check through the official route: open the courier's or the bank's own app, or type their address yourself. If someone writes from a new number, call their old one. Report work-related messages to your security team, and in many countries you can forward scam texts to 7726 so the operator can block them. And if you already entered card details, call your bank straight away on the number printed on your card.`,
    quiz: [
      {
        question: 'A text says your parcel is on hold and asks for a 1.99 redelivery fee through a link. What is the real aim?',
        choices: ['To get your card details and personal data', 'To collect the 1.99', 'To update your delivery address', 'To test your phone signal'],
        answer: 0,
        explanation: 'The small fee makes you relax; the page captures card details that are then misused for much larger amounts.',
      },
      {
        question: 'Why are scam messages harder to spot on a phone?',
        choices: ['Small screens, shortened links and no visible sender address make checking harder', 'Phones cannot receive spam', 'Text messages are always genuine', 'Phones block all malicious links'],
        answer: 0,
        explanation: 'Phones hide the details you would normally inspect, and we tend to act quickly on them.',
      },
      {
        question: 'Your manager texts from an unknown number: "New phone. Can you buy four gift cards for a client? Send me the codes." What do you do?',
        choices: ['Call your manager on the number you already have, and report the message', 'Buy the cards quickly', 'Reply asking which shop to use', 'Buy one card to test'],
        answer: 0,
        explanation: '"New number" requests for money or gift cards are a common scam; verify through a known channel.',
      },
      {
        question: 'A text that looks like it is from your bank asks whether you made a payment and gives a link. What is the safest way to check?',
        choices: ['Open your bank\'s official app or call the number on your card', 'Reply "NO" to the message', 'Tap the link and check the payment there', 'Forward it to friends to ask'],
        answer: 0,
        explanation: 'The official app or number on your card reaches the real bank, without touching anything the sender controls.',
      },
      {
        question: 'You tapped a link in a scam text and entered your card details. What should you do?',
        choices: ['Wait for your next statement', 'Delete the text and forget it', 'Reply to the text asking for a refund', 'Call your bank at once on the number on your card'],
        answer: 3,
        explanation: 'The bank can block the card and watch for fraud if you tell them immediately.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 5,
    exercise: {
      instructions: 'These three text messages arrived on your phone this week. Decide which one is most likely a scam.',
      material: `Message 1, from "ExampleBank":
  Your statement for March is ready. Open the ExampleBank app to view it.

Message 2, from +44 7700 900412:
  ROYAL-PARCEL: Your parcel could not be delivered due to unpaid customs fee (GBP 1.45).
  Pay within 12h or it will be returned: https://royalparcel-redelivery.info/pay

Message 3, from "GP Surgery":
  Reminder: your appointment is on Thursday at 10:20. Reply C to cancel.`,
      question: 'Which message is most likely smishing, and why?',
      choices: [
        'Message 1, because banks never send texts',
        'Message 2: an unknown number, a deadline, a small fee and a link to a look-alike domain',
        'Message 3, because it asks you to reply',
        'None of them; all three are normal',
      ],
      answer: 1,
    },
  },
  // ---------------------------------------------------------------- physical
  {
    key: 'physical-tailgating',
    name: 'Tailgating, visitors and badges',
    topic: 'physical',
    summary: 'How people get into buildings they should not be in, and the friendly habits that keep the doors closed to them.',
    content: `<h2>The easiest way past a locked door</h2>
<p>Locks, badge readers and alarms are only as strong as the people who use them. The simplest way into a building is to walk in behind someone who has just opened the door. This is called <strong>tailgating</strong> (or piggybacking when the person lets them in on purpose). Once inside, an intruder can steal laptops and papers, plug a device into the network, photograph whiteboards, or simply look around to plan a bigger attack.</p>
<h2>The stories intruders use</h2>
<ul>
<li>Carrying boxes, coffee or a ladder, so that holding the door seems only polite.</li>
<li>Wearing a high-visibility vest or a delivery uniform, or claiming to be from facilities, IT or a contractor.</li>
<li>"I've left my badge at my desk" or "I'm new, my badge isn't working yet."</li>
<li>Joining a group of smokers at a side door and walking back in with them.</li>
<li>Name-dropping a manager: "I'm here to see Priya, she's expecting me."</li>
</ul>
<h2>Good habits at the door</h2>
<ol>
<li><strong>One badge, one person.</strong> Each person badges in separately, even if you know them, and the door closes behind you.</li>
<li><strong>Do not let strangers follow you through.</strong> A polite "Sorry, I can't let you in, reception will help you" is enough. You do not need to confront anyone.</li>
<li><strong>Send visitors to reception</strong>, where they sign in, get a visitor badge and are collected by their host.</li>
<li><strong>Never prop open doors</strong> that should be closed, and report doors that do not close or lock properly.</li>
</ol>
<h2>Inside the building</h2>
<ul>
<li>Wear your badge where it can be seen inside, and take it off when you leave so that it cannot be photographed and copied in public.</li>
<li>If you see someone without a badge in a staff-only area, ask kindly: "Can I help you find someone?" Then walk them to reception or their host.</li>
<li>Escort your own visitors at all times and see them out.</li>
<li>Report a lost badge at once so that it can be blocked.</li>
</ul>
<h2>When to report</h2>
<p>If someone refuses to go to reception, acts suspiciously, or you simply feel something is wrong, do not put yourself at risk: tell security or reception straight away, with a description and where you saw the person. It is always better to check a genuine visitor than to let an intruder walk around.</p>`,
    videoUrl: '',
    transcript: `Locks and badge readers only work if people use them. The easiest way into a building is to walk in right behind someone who just opened the door. That is called tailgating. Once inside, an intruder can steal laptops and papers, plug a device into the network or look around to plan a bigger attack.
Intruders come with a good story. Arms full of boxes or coffee, so holding the door seems polite. A high-visibility vest or a delivery uniform. A forgotten badge, or a new starter whose badge does not work yet. Walking back in with the smokers from the side door. Or naming a manager who is supposedly expecting them.
The habits that stop them are simple. One badge, one person: everyone badges in separately, even people you know. Do not let strangers follow you in; a friendly sorry, reception will help you, is enough. Send visitors to reception, where they sign in and get a badge. And never prop doors open.
Inside, wear your badge visibly, and take it off when you leave the building. If you see someone without a badge in a staff area, ask if you can help them find someone and take them to reception. Escort your own visitors. Report a lost badge at once.
And if anything feels wrong, do not confront anyone. Tell security or reception straight away. Checking a genuine visitor is always better than letting an intruder in.`,
    quiz: [
      {
        question: 'A friendly person carrying two boxes asks you to hold the secure door open. What should you do?',
        choices: ['Hold the door, as it would be rude not to', 'Lend them your badge', 'Let them in but watch where they go', 'Politely explain you cannot let them in and point them to reception'],
        answer: 3,
        explanation: 'Full hands are a classic tailgating trick; reception can check them and let them in properly.',
      },
      {
        question: 'What does "one badge, one person" mean?',
        choices: ['Only one person may enter the building per hour', 'Each person badges in separately, even people you know', 'Each team shares one badge', 'Visitors use your badge'],
        answer: 1,
        explanation: 'Badging individually keeps the access log accurate and stops anyone slipping in unchecked.',
      },
      {
        question: 'You notice someone without a badge in an office area that only staff use. What is a good first step?',
        choices: ['Ignore them; they must have been let in', 'Ask kindly if you can help them find someone, and walk them to reception or their host', 'Shout for security immediately', 'Take a photo of them and post it in the team chat'],
        answer: 1,
        explanation: 'A friendly offer of help resolves genuine mistakes and stops intruders without confrontation.',
      },
      {
        question: 'Why should you take off your badge when you leave the building?',
        choices: ['So that it cannot be photographed or copied and does not reveal where you work', 'Badges wear out faster outside', 'Because it stops working outdoors', 'It is only a fashion rule'],
        answer: 0,
        explanation: 'Badges seen in public can be photographed, cloned or used to target you.',
      },
      {
        question: 'A person in a delivery uniform refuses to go to reception and walks further into the building. What should you do?',
        choices: ['Block their path physically', 'Follow them quietly all day', 'Tell security or reception immediately with a description, without putting yourself at risk', 'Do nothing; uniforms mean they are allowed in'],
        answer: 2,
        explanation: 'Security staff are trained to deal with it; your job is to raise the alarm quickly and stay safe.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 5,
    exercise: null,
  },
  {
    key: 'physical-clean-desk',
    name: 'Clean desk, locked screens and found USB devices',
    topic: 'physical',
    summary: 'Protecting information on your desk, on your screen and on the move, and why a found USB stick belongs with IT, not in your computer.',
    content: `<h2>Your desk and your screen</h2>
<p>Not every leak happens online. A password on a sticky note, a contract left on the printer or an unlocked laptop in a café can give away as much as any hacked server.</p>
<ul>
<li><strong>Lock your screen every time you step away</strong>, even for a minute: <code>Windows key + L</code> on Windows, <code>Control + Command + Q</code> on a Mac. Let it lock automatically after a short idle time too.</li>
<li><strong>Keep a clear desk.</strong> At the end of the day, and whenever you leave for long, put papers, notebooks and storage devices in a locked drawer.</li>
<li><strong>Collect printouts straight away</strong>, use secure "print and release" if you have it, and put unwanted confidential paper in the shredding bin, not the recycling.</li>
<li><strong>Wipe whiteboards</strong> after meetings and do not leave sensitive notes on flip charts.</li>
<li><strong>Never write passwords down</strong> near your computer. Use a password manager.</li>
</ul>
<h2>On the move</h2>
<ul>
<li>In trains, cafés and airports, people can read your screen and hear your calls. Sit with your back to a wall where you can, use a privacy screen filter, and keep confidential calls for private places.</li>
<li>Never leave a laptop or phone unattended in public or visible in a car.</li>
<li>Use your own charger and a wall socket rather than unknown USB charging cables.</li>
<li>Report a lost or stolen device at once, so that it can be locked and wiped remotely.</li>
</ul>
<h2>Found a USB stick? Do not plug it in</h2>
<p>Attackers sometimes leave USB sticks in car parks, reception areas or post them as "free gifts", labelled with something tempting like "Salaries 2026" or "Confidential". Curiosity does the rest. Plugging one in can:</p>
<ul>
<li>run malicious software or open a file that exploits your computer;</li>
<li>pretend to be a keyboard and type commands into your computer within seconds;</li>
<li>in rare cases, even damage the hardware.</li>
</ul>
<p>Cables and chargers can hide the same kind of electronics. Do not plug in any device or cable whose origin you do not know, including "to see who it belongs to". Hand it to IT or security instead, and tell them where you found it.</p>`,
    videoUrl: '',
    transcript: `Not every leak happens online. A password on a sticky note, a contract left on the printer or an unlocked laptop can give away as much as a hacked server.
So lock your screen every time you step away, even for a minute. On Windows press the Windows key and L; on a Mac, Control, Command and Q. Keep a clear desk: at the end of the day, papers and storage devices go into a locked drawer. Collect printouts straight away and shred confidential paper. Wipe whiteboards after meetings, and never write passwords down.
On the move, remember that people can read your screen and hear your calls. Use a privacy filter, sit where no one can look over your shoulder, and keep confidential calls for private places. Never leave a laptop unattended or visible in a car. Use your own charger. And report a lost device at once, so it can be locked and wiped.
Finally, if you find a USB stick, do not plug it in. Attackers leave them lying around with labels like Salaries or Confidential, counting on curiosity. A single stick can run malicious software, or pretend to be a keyboard and type commands into your computer in seconds. Even cables and chargers can hide electronics like that. Do not plug it in to find the owner; hand it to IT or security and tell them where you found it.`,
    quiz: [
      {
        question: 'You are going to get a coffee and will be back in two minutes. What should you do with your computer?',
        choices: ['Leave it as it is; two minutes is nothing', 'Turn the monitor off', 'Lock the screen', 'Close your email only'],
        answer: 2,
        explanation: 'An unlocked computer gives anyone passing full access as you; locking it takes one key press.',
      },
      {
        question: 'You find a USB stick labelled "Salaries 2026" in the car park. What is the right thing to do?',
        choices: ['Plug it in to find out who owns it', 'Hand it to IT or security without plugging it in, saying where you found it', 'Plug it into a colleague\'s computer instead', 'Throw it away'],
        answer: 1,
        explanation: 'Dropped USB sticks are a known attack; IT can examine them safely and spot a targeted attempt.',
      },
      {
        question: 'How can a USB device take over a computer within seconds?',
        choices: ['By draining the battery', 'By pretending to be a keyboard and typing commands automatically', 'By changing the screen brightness', 'It cannot; only files on it are dangerous'],
        answer: 1,
        explanation: 'Some devices identify as keyboards and type pre-programmed commands faster than anyone could notice.',
      },
      {
        question: 'Where should unwanted confidential printouts go?',
        choices: ['A secure shredding bin', 'The normal recycling bin', 'Your desk drawer, unlocked', 'The printer tray for someone to collect'],
        answer: 0,
        explanation: 'Paper in ordinary bins can be read by anyone who handles it; shredding destroys it.',
      },
      {
        question: 'You are working on a confidential spreadsheet on a busy train. What reduces the risk?',
        choices: ['Turning the screen brightness up', 'Reading the figures aloud to remember them', 'A privacy screen filter and a seat where nobody can see your screen, or waiting until you are somewhere private', 'Nothing; people on trains never look'],
        answer: 2,
        explanation: 'Shoulder surfing is easy in public; privacy filters and careful seating keep your screen to yourself.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 5,
    exercise: null,
  },
  // --------------------------------------------------------------- reporting
  {
    key: 'reporting-incidents',
    name: 'Reporting incidents quickly and without blame',
    topic: 'reporting',
    summary: 'What to report, why minutes matter, and how to report so that the security team can act straight away.',
    content: `<h2>You are the early warning system</h2>
<p>Security tools miss things. People notice them: the odd email, the strange pop-up, the visitor who should not be there. The sooner the security team hears about it, the less damage an attacker can do. Criminals who steal a password often try to use it within minutes, and a single report lets the team block a phishing message for everyone who received it.</p>
<h2>What to report</h2>
<ul>
<li>Suspicious emails, texts, chat messages and phone calls, even if you did not click or answer.</li>
<li>Anything you clicked, opened, typed or approved and then had doubts about.</li>
<li>Unexpected sign-in prompts, password reset messages or account changes you did not make.</li>
<li>A lost or stolen laptop, phone, badge or storage device.</li>
<li>Information sent to the wrong person or shared too widely.</li>
<li>A computer acting strangely: new pop-ups, files you cannot open, security software switched off.</li>
<li>Strangers in staff-only areas, or doors that do not lock.</li>
</ul>
<h2>No blame, only thanks</h2>
<p>Anyone can be tricked; attackers are professionals and their messages are designed to fool busy people. Reporting an honest mistake is never punished. The only real mistake is staying silent: a hidden incident gives an attacker days instead of minutes. If you are not sure whether something matters, report it anyway and let the team decide.</p>
<h2>How to report</h2>
<ol>
<li><strong>Use the quickest route</strong>: the report button in your mail program for messages, otherwise the security team or service desk. Out of hours, use the emergency number your organisation provides.</li>
<li><strong>Say what happened and when</strong>: what you saw, what you did (clicked, typed a password, opened a file, approved a prompt) and on which device.</li>
<li><strong>Keep the evidence</strong>: do not delete the message before reporting it, and note phone numbers and times of calls.</li>
<li><strong>Follow instructions</strong>. You may be asked to disconnect from the network or change a password. Do not switch off or reset the device unless asked, because that can destroy useful evidence.</li>
</ol>
<h2>What not to do</h2>
<ul>
<li>Do not investigate yourself by clicking the link "to see what happens".</li>
<li>Do not forward a suspicious message to colleagues to ask if it is real; that spreads it.</li>
<li>Do not wait until tomorrow or hope it goes away.</li>
</ul>`,
    videoUrl: '',
    transcript: `Security tools miss things, but people notice them. The odd email, the strange pop-up, the visitor who should not be there. You are the early warning system, and speed is everything: criminals often try a stolen password within minutes, and one report lets the team remove a phishing email from every inbox.
Report suspicious messages and calls, even if you did not click. Report anything you clicked, typed or approved and then doubted. Report sign-in prompts you did not expect, lost devices and badges, data sent to the wrong person, a computer acting strangely, and strangers in staff areas.
There is no blame in reporting. Anyone can be tricked; attackers are professionals. Honest mistakes are never punished. The only real mistake is staying silent, because a hidden incident gives an attacker days instead of minutes. If you are not sure whether something matters, report it anyway.
Use the quickest route: the report button, the security team or the service desk, or the out-of-hours number. Say what happened, when, what you did and on which device. Keep the evidence; do not delete the message first. Then follow the instructions you get, and do not switch off or reset your device unless asked.
And please do not investigate yourself, do not forward the message to colleagues to ask if it is real, and do not wait until tomorrow.`,
    quiz: [
      {
        question: 'You received a phishing email but did not click anything. Should you report it?',
        choices: ['No, nothing happened', 'Only if it arrives twice', 'Yes, so the team can block it for everyone else who received it', 'Only if your manager asks'],
        answer: 2,
        explanation: 'Your report can protect colleagues who might click, because the team can remove the message from every inbox.',
      },
      {
        question: 'You typed your password into a page that turned out to be fake, and you feel embarrassed. What is the right thing to do?',
        choices: ['Change the password quietly and say nothing', 'Wait to see if anything bad happens', 'Report it immediately; honest mistakes are not punished', 'Ask a colleague to report it anonymously next week'],
        answer: 2,
        explanation: 'A quick report lets security reset the account and end the attacker\'s sessions; silence gives them time.',
      },
      {
        question: 'Why should you not forward a suspicious email to your team to ask whether it is real?',
        choices: ['It spreads the message and someone else might click it', 'It takes too long', 'Forwarding is not allowed by email programs', 'Colleagues might reply too slowly'],
        answer: 0,
        explanation: 'Forwarding multiplies the risk; the report button or the security team is the right place to ask.',
      },
      {
        question: 'Which information is most useful in a report?',
        choices: ['Only "I think I was hacked"', 'Your password, so they can check', 'A guess at who the attacker is', 'What you saw, when, what you did and on which device'],
        answer: 3,
        explanation: 'These details let the team judge the risk and act immediately; they never need your password.',
      },
      {
        question: 'You suspect your laptop has malware. What should you avoid unless the security team asks you to?',
        choices: ['Reporting it', 'Describing what you saw', 'Switching it off or resetting it', 'Following their instructions'],
        answer: 2,
        explanation: 'Switching off or resetting can destroy evidence the team needs to understand and contain the incident.',
      },
    ],
    passMark: 80,
    points: 10,
    minutes: 5,
    exercise: {
      instructions: 'Read what Jordan did after receiving a message this morning, and find the step that went wrong.',
      material: `09:02  Jordan receives "Shared document: Q3 bonuses.pdf" and clicks the link.
09:03  A sign-in page opens. Jordan types the work password, then notices the address is docs-share-portal.net.
09:04  Jordan closes the page and deletes the email.
09:05  Jordan decides to keep quiet because nothing seems to have happened.
14:30  The security team sees Jordan's account sending hundreds of emails to customers.`,
      question: 'What should Jordan have done at 09:04?',
      choices: [
        'Deleted the email faster',
        'Forwarded the email to colleagues to warn them',
        'Reported straight away that the password was typed into a fake page, keeping the email as evidence',
        'Tried the link again to check whether it was really fake',
      ],
      answer: 2,
    },
  },
  // ------------------------------------------------------------------ coding
  {
    key: 'coding-injection',
    name: 'Injection and parameterised queries',
    topic: 'coding',
    summary: 'How SQL and command injection happen when data becomes code, and how parameterised queries, allowlists and argument lists prevent them.',
    content: `<h2>When data becomes code</h2>
<p>Injection happens whenever untrusted input is pasted into text that another system interprets as instructions: an SQL statement, a shell command, an LDAP filter, a template. The interpreter cannot tell which part you wrote and which part the user supplied, so a carefully crafted input changes the meaning of the whole command. Injection has appeared in every edition of the OWASP Top 10.</p>
<h2>SQL injection</h2>
<pre><code>// Vulnerable: the input becomes part of the SQL text
const sql = "SELECT * FROM users WHERE email = '" + email + "'";
await db.query(sql);

// Safe: the SQL text is fixed; the value travels separately
await db.query('SELECT * FROM users WHERE email = $1', [email]);</code></pre>
<p>With the first version, an email of <code>' OR '1'='1</code> returns every user, and worse inputs can read other tables or change data. With the second, the database receives the statement and the value separately, so the value is only ever treated as data, whatever characters it contains.</p>
<ul>
<li><strong>Always use parameters</strong> (placeholders, prepared statements, or a query builder that creates them) for values.</li>
<li><strong>Do not escape by hand.</strong> Home-made quoting misses edge cases such as character sets, backslashes and numeric contexts.</li>
<li><strong>Identifiers cannot be parameters.</strong> Column names for sorting, table names and sort directions must come from an <em>allowlist</em> in your code, never from the request directly.</li>
<li><strong>Beware raw escape hatches</strong> in ORMs and query builders, such as raw SQL fragments: the same rules apply there.</li>
</ul>
<pre><code>const sortable = ['name', 'created_at'];
const column = sortable.includes(sort) ? sort : 'created_at';</code></pre>
<h2>Command injection</h2>
<p>Building a shell command from input is just as dangerous: characters such as <code>;</code>, <code>|</code> and <code>$( )</code> start new commands.</p>
<pre><code>// Vulnerable: runs through a shell
exec('convert ' + fileName + ' thumb.png');

// Safer: no shell, arguments passed as a list
execFile('convert', ['--', fileName, 'thumb.png']);</code></pre>
<p>Prefer a library over calling a program at all. If you must call one, pass arguments as a list without a shell, and stop option parsing with <code>--</code> where the program supports it, so that a file name starting with a dash is not read as an option.</p>
<h2>Defence in depth</h2>
<ul>
<li>Validate input against what you expect (type, length, format) and reject the rest with a clear error.</li>
<li>Connect to the database with an account that has only the rights the application needs.</li>
<li>Use static analysis and code review to find string-built queries and commands.</li>
</ul>`,
    videoUrl: '',
    transcript: `Injection happens when untrusted input is pasted into text that another system treats as instructions, like an SQL statement or a shell command. The interpreter cannot tell your part from the user's part, so the right input changes what the command does.
Take SQL. If you build a query by concatenating the user's email into the string, an input like quote OR one equals one returns every user, and worse inputs can read or change any data. The fix is a parameterised query: the SQL text is fixed, with a placeholder, and the value is sent separately. The database then treats the value only as data, whatever it contains.
So always use parameters for values, and do not escape by hand. Remember that identifiers, like the column to sort by, cannot be parameters; pick them from an allowlist in your code. And the same rules apply to raw SQL fragments inside ORMs and query builders.
Shell commands are just as risky. Semicolons, pipes and dollar-parentheses start new commands. Prefer a library to calling a program. If you must call one, pass the arguments as a list without a shell, and use double dash so a file name cannot be read as an option.
Finally, add layers: validate input and reject what you do not expect, give the database account only the rights it needs, and let static analysis and reviews look for queries built from strings.`,
    quiz: [
      {
        question: 'What is the root cause of injection vulnerabilities?',
        choices: ['Untrusted input being mixed into text that an interpreter executes as instructions', 'Slow database servers', 'Using HTTPS', 'Storing data in JSON'],
        answer: 0,
        explanation: 'Once input is part of the command text, the interpreter cannot distinguish it from the developer\'s code.',
      },
      {
        question: 'Which is the correct way to look up a user by an email address supplied in a request?',
        choices: ['Concatenate the email into the SQL string', 'Escape single quotes in the email by hand, then concatenate', 'Use a parameterised query with a placeholder and pass the email as a parameter', 'Base64-encode the email before concatenating'],
        answer: 2,
        explanation: 'Parameters keep the SQL text fixed and send the value separately, so it can never change the statement.',
      },
      {
        question: 'A request chooses the sort column with ?sort=name. How should the code use it?',
        choices: ['Pass it as a query parameter placeholder', 'Insert it directly after ORDER BY', 'Remove spaces from it and insert it', 'Check it against an allowlist of known column names and use a default otherwise'],
        answer: 3,
        explanation: 'Identifiers cannot be bound as parameters, so only values from a fixed list in the code are safe.',
      },
      {
        question: 'Which call avoids command injection when converting a user-uploaded file?',
        choices: ['exec(\'convert \' + fileName + \' out.png\')', 'execFile(\'convert\', [\'--\', fileName, \'out.png\'])', 'exec(\'convert "\' + fileName + \'" out.png\')', 'exec(\'bash -c "convert \' + fileName + \'"\')'],
        answer: 1,
        explanation: 'Passing arguments as a list without a shell means shell metacharacters in the name have no effect.',
      },
      {
        question: 'Why should the application\'s database account have only the rights it needs?',
        choices: ['If an injection flaw is found, the damage is limited to what that account can do', 'It makes queries faster', 'Databases require it', 'It removes the need for parameterised queries'],
        answer: 0,
        explanation: 'Least privilege is a second layer that limits the impact of a flaw; it does not replace parameters.',
      },
    ],
    passMark: 80,
    points: 30,
    minutes: 10,
    exercise: {
      instructions: 'Read this request handler from an online shop and find the line that allows SQL injection.',
      material: `1  app.get('/orders', async (req, res) => {
2    const status = String(req.query.status ?? 'open');
3    const limit = Math.min(Number(req.query.limit) || 50, 100);
4    const rows = await db.query(
5      "SELECT id, total FROM orders WHERE customer_id = $1 AND status = '" + status + "' LIMIT " + limit,
6      [req.user.customerId],
7    );
8    res.json(rows);
9  });`,
      question: 'Where is the injection flaw, and what fixes it?',
      choices: [
        'Line 3: limit must be a string; wrap it in quotes',
        'Line 5: status is concatenated into the SQL; pass it as a second parameter ($2) instead',
        'Line 6: customerId should be concatenated into the SQL text',
        'Line 8: res.json must escape the rows',
      ],
      answer: 1,
    },
  },
  {
    key: 'coding-xss',
    name: 'Cross-site scripting and output encoding',
    topic: 'coding',
    summary: 'How cross-site scripting lets an attacker run script in your users\' browsers, and how contextual output encoding, safe APIs and a content security policy stop it.',
    content: `<h2>What cross-site scripting is</h2>
<p>Cross-site scripting (XSS) happens when an application puts untrusted data into a web page in a way that lets the browser run it as code. The attacker's script then runs with your site's authority: it can read what the user sees, act as the user, change the page to show a fake sign-in form, or steal tokens that scripts can reach.</p>
<ul>
<li><strong>Stored XSS</strong>: the payload is saved (a comment, a profile name, a file name) and served to everyone who views it.</li>
<li><strong>Reflected XSS</strong>: the payload is in a link, and the server echoes it straight back into the page.</li>
<li><strong>DOM-based XSS</strong>: client-side code takes data from the URL, storage or an API and writes it into the page unsafely.</li>
</ul>
<h2>The fix: encode for the context</h2>
<p>Data must be encoded for the exact place it is inserted. In HTML text, <code>&lt;</code> becomes <code>&amp;lt;</code> and <code>&amp;</code> becomes <code>&amp;amp;</code>, so <code>&lt;script&gt;</code> is displayed instead of executed. Attributes need quoting and encoding too; URLs need their scheme checked, because <code>javascript:</code> links run code; and data should never be concatenated into inline scripts.</p>
<ul>
<li><strong>Use a template engine or framework that escapes by default</strong>, and keep it switched on.</li>
<li><strong>Know the escape hatches</strong> and treat every use as a security review point: <code>innerHTML</code>, <code>outerHTML</code>, <code>document.write</code>, <code>dangerouslySetInnerHTML</code> in React, <code>v-html</code> in Vue, and "trust this HTML" functions in other frameworks.</li>
<li><strong>Prefer text APIs in the browser</strong>: <code>textContent</code> and <code>setAttribute</code> with a validated value instead of building HTML strings.</li>
<li><strong>If users must supply HTML</strong> (a rich-text editor), sanitise it with a well-maintained sanitiser library and an allowlist of tags and attributes. Never write your own filter with regular expressions.</li>
<li><strong>Allow only http and https links</strong> for user-supplied URLs.</li>
</ul>
<pre><code>// Vulnerable: the comment is parsed as HTML
list.innerHTML += '&lt;li&gt;' + comment.text + '&lt;/li&gt;';

// Safe: the comment is treated as text
const li = document.createElement('li');
li.textContent = comment.text;
list.append(li);</code></pre>
<h2>Layers that limit the damage</h2>
<ul>
<li><strong>A Content Security Policy</strong> that forbids inline scripts and limits script sources makes many XSS payloads fail even when encoding was missed.</li>
<li><strong>HttpOnly cookies</strong> keep session cookies out of reach of scripts.</li>
<li><strong>Test with awkward data</strong>: names and comments containing quotes, angle brackets and ampersands should appear exactly as typed.</li>
</ul>`,
    videoUrl: '',
    transcript: `Cross-site scripting, or XSS, happens when an application puts untrusted data into a page in a way the browser runs as code. The attacker's script then runs with your site's authority. It can act as the user, read the page, show a fake sign-in form or steal tokens that scripts can reach.
There are three kinds. Stored XSS, where a payload saved in a comment or a profile name is shown to everyone. Reflected XSS, where the payload is in a link and the server echoes it back. And DOM-based XSS, where client-side code writes data from the URL or an API into the page unsafely.
The fix is encoding for the context. In HTML text, the less-than sign becomes an entity, so a script tag is displayed instead of executed. Attributes need quotes and encoding, links need their scheme checked because javascript links run code, and data never belongs inside inline scripts.
In practice: use a framework or template engine that escapes by default, and treat every escape hatch, like innerHTML or dangerouslySetInnerHTML, as a review point. In the browser, prefer textContent. If users really must supply HTML, run it through a well-maintained sanitiser with an allowlist, never your own regular expressions.
Then add layers. A content security policy that blocks inline scripts stops many payloads. HttpOnly cookies keep sessions away from scripts. And test with names full of quotes and angle brackets: they should appear exactly as typed.`,
    quiz: [
      {
        question: 'A user sets their display name to <script>...</script> and every visitor to their profile runs it. What kind of XSS is this?',
        choices: ['Reflected XSS', 'Clickjacking', 'SQL injection', 'Stored XSS'],
        answer: 3,
        explanation: 'The payload is saved by the application and served to everyone who views it, which makes it stored XSS.',
      },
      {
        question: 'What is the main defence against XSS?',
        choices: ['Using POST instead of GET', 'Encoding untrusted data for the context where it is inserted', 'Hashing all user input', 'Making the site HTTPS only'],
        answer: 1,
        explanation: 'Contextual output encoding makes the browser treat data as text rather than markup or script.',
      },
      {
        question: 'In browser code, which is the safe way to show a user\'s comment?',
        choices: ['element.innerHTML = comment', 'element.textContent = comment', 'document.write(comment)', 'eval(comment)'],
        answer: 1,
        explanation: 'textContent inserts plain text, so any markup in the comment is displayed and not executed.',
      },
      {
        question: 'Your app lets users add a link to their website. Which check is needed?',
        choices: ['None; links are always safe', 'Limit it to 20 characters', 'Make the link bold', 'Allow only http and https URLs, so that javascript: links are rejected'],
        answer: 3,
        explanation: 'A javascript: URL runs code when clicked, so only web schemes should be accepted.',
      },
      {
        question: 'What does a Content Security Policy add?',
        choices: ['It replaces output encoding', 'It limits which scripts may run, so many XSS payloads fail even if encoding was missed', 'It encrypts the page', 'It speeds up page loading'],
        answer: 1,
        explanation: 'CSP is a second layer that restricts script execution; encoding remains the primary fix.',
      },
    ],
    passMark: 80,
    points: 30,
    minutes: 9,
    exercise: {
      instructions: 'Read this search page handler. A colleague says it is vulnerable to reflected cross-site scripting.',
      material: `app.get('/search', async (req, res) => {
  const q = String(req.query.q ?? '');
  const results = await searchProducts(q);   // uses a parameterised query
  res.type('html').send(
    '<h1>Results for ' + q + '</h1>' +
    '<ul>' + results.map((p) => '<li>' + escapeHtml(p.name) + '</li>').join('') + '</ul>'
  );
});

Example link an attacker could send:
https://shop.example.com/search?q=<script>stealData()</script>`,
      question: 'What is the right fix?',
      choices: [
        'HTML-encode q before putting it into the heading (or render the page with an auto-escaping template)',
        'Use a POST request so the query is not in the link',
        'Limit q to 100 characters',
        'Remove the word "script" from q',
      ],
      answer: 0,
    },
  },
  {
    key: 'coding-secrets',
    name: 'Keeping secrets out of code',
    topic: 'coding',
    summary: 'Why API keys and passwords must never be committed, where they belong instead, and what to do in the first minutes after a leak.',
    content: `<h2>What counts as a secret</h2>
<p>API keys, database passwords, access tokens, signing keys, private certificates, webhook secrets and cloud credentials: anything that grants access. A secret in the wrong place is as good as an unlocked door.</p>
<h2>How secrets leak</h2>
<ul>
<li><strong>Committed to source control.</strong> Once a secret is committed, it stays in the history of every clone, even if a later commit deletes it. Public repositories are scanned by automated tools within minutes of a push, and leaked cloud keys are routinely abused almost immediately.</li>
<li><strong>Shipped to the client.</strong> Anything in a front-end bundle or a mobile app can be extracted by any user.</li>
<li><strong>Baked into images and artefacts.</strong> Container image layers, build logs and crash dumps keep copies.</li>
<li><strong>Written to logs</strong>, error messages and analytics, where many more people and systems can read them.</li>
<li><strong>Pasted into tickets, chats and AI tools</strong> while debugging.</li>
</ul>
<h2>Where secrets belong</h2>
<ul>
<li>In a <strong>secrets manager</strong> or the platform's secret store, injected into the application at runtime (for example as environment variables or mounted files).</li>
<li>For local development, in an untracked file such as <code>.env</code> that is listed in <code>.gitignore</code>, with a committed <code>.env.example</code> that contains names but no values.</li>
<li>In CI, as protected pipeline secrets, or better, replaced by short-lived credentials obtained through the CI provider's identity federation (OIDC), so no long-lived key exists at all.</li>
</ul>
<pre><code>// Never
const apiKey = 'k3y-EXAMPLE-not-a-real-key';

// Instead: read it at runtime and fail clearly if it is missing
const apiKey = process.env.PAYMENTS_API_KEY;
if (!apiKey) throw new Error('PAYMENTS_API_KEY is not set');</code></pre>
<h2>Guard rails</h2>
<ul>
<li>Turn on <strong>secret scanning</strong> with push protection in your code host, and run a scanner in a pre-commit hook.</li>
<li><strong>Redact</strong> secrets from logs and error messages; log that a key was used, never the key itself.</li>
<li>Give each key the <strong>least privilege</strong> and shortest lifetime that works, one key per service, so a leak is small and easy to revoke.</li>
</ul>
<h2>If a secret leaks</h2>
<ol>
<li><strong>Revoke or rotate it first</strong>, immediately. Deleting the commit does not help: the secret has to be assumed known.</li>
<li>Check the provider's logs for use of the key since it was exposed.</li>
<li>Then remove it from the code and, if required, from history, and report the incident to security.</li>
</ol>`,
    videoUrl: '',
    transcript: `A secret is anything that grants access: API keys, database passwords, tokens, signing keys, cloud credentials. In the wrong place, a secret is an unlocked door.
Secrets leak in predictable ways. Committed to source control, where they stay in history forever, even after you delete them in a later commit; public repositories are scanned by bots within minutes. Shipped inside front-end code or a mobile app, where any user can pull them out. Baked into container images and build logs. Written to logs. And pasted into tickets, chats and AI tools while debugging.
Where should they live instead? In a secrets manager, injected at runtime. For local work, in an untracked dot-env file that is listed in gitignore, with an example file that has the names but no values. In CI, as protected secrets, or better, as short-lived credentials from the CI provider's identity federation, so there is no long-lived key at all.
Add guard rails: secret scanning with push protection, a pre-commit scanner, redaction in logs, and keys with the least privilege and shortest lifetime that works.
And if a secret leaks, the order matters. Revoke or rotate it first, immediately, because deleting the commit does not make it secret again. Then check the logs for misuse. Then clean up the code and history, and report it.`,
    quiz: [
      {
        question: 'You committed an API key and removed it in the next commit. Is the key safe?',
        choices: ['Yes, the latest code no longer contains it', 'Yes, if the repository is private', 'No, it remains in the repository history and must be treated as exposed', 'Yes, if nobody has cloned it yet'],
        answer: 2,
        explanation: 'History keeps every committed version, and copies may already exist elsewhere, so the key must be rotated.',
      },
      {
        question: 'A database password was pushed to a public repository ten minutes ago. What is the first thing to do?',
        choices: ['Rewrite the Git history', 'Make the repository private', 'Wait to see if anyone uses it', 'Revoke or rotate the password immediately'],
        answer: 3,
        explanation: 'Automated scanners find leaked secrets within minutes, so invalidating the secret comes before any clean-up.',
      },
      {
        question: 'Where should a production API key be kept?',
        choices: ['In a constant in the source code', 'In the front-end JavaScript bundle', 'In a secrets manager, injected into the application at runtime', 'In the README'],
        answer: 2,
        explanation: 'A secrets manager controls and audits access and keeps the key out of code and artefacts.',
      },
      {
        question: 'Why should secrets never be placed in front-end or mobile app code?',
        choices: ['They make the app slower', 'Browsers refuse to run such code', 'Any user can extract them from the code they download', 'They expire faster there'],
        answer: 2,
        explanation: 'Everything shipped to the client is readable by the client; secrets must stay on the server.',
      },
      {
        question: 'Which practice makes a leaked CI credential least harmful?',
        choices: ['One powerful key shared by all pipelines', 'Storing the key in the repository for convenience', 'Printing the key in the build log for debugging', 'Short-lived credentials from identity federation, scoped to what each job needs'],
        answer: 3,
        explanation: 'Short-lived, narrowly scoped credentials expire quickly and limit what an attacker could do with them.',
      },
    ],
    passMark: 80,
    points: 25,
    minutes: 8,
    exercise: {
      instructions: 'Read this timeline from a developer\'s afternoon and choose the correct first response.',
      material: `14:05  Priya pushes a commit to a public repository. config.js contains:
         const CLOUD_ACCESS_KEY = 'EXAMPLE-ACCESS-KEY-ID';
         const CLOUD_SECRET_KEY = 'EXAMPLE-SECRET-KEY-VALUE';
14:19  Priya notices the keys while reviewing the diff on the website.`,
      question: 'What should Priya do first?',
      choices: [
        'Push a new commit that deletes the two lines',
        'Rewrite the repository history to remove the commit',
        'Revoke the keys with the cloud provider, issue new ones if needed, check the provider\'s logs for use since 14:05, then clean up and report',
        'Make the repository private and carry on',
      ],
      answer: 2,
    },
  },
  {
    key: 'coding-dependencies',
    name: 'Dependencies and supply-chain risk',
    topic: 'coding',
    summary: 'Third-party packages make up most of your application: how they introduce known vulnerabilities and malicious code, and the habits that keep them in check.',
    content: `<h2>Most of your code is someone else's</h2>
<p>A typical application pulls in hundreds of open-source packages, most of them indirect dependencies you never chose yourself. Each one runs with your application's permissions. That brings two kinds of risk: honest bugs that turn into known vulnerabilities, and code that is malicious on purpose.</p>
<h2>Known vulnerabilities</h2>
<p>When a flaw in a popular library is published, attackers start scanning for unpatched applications within hours. The Log4Shell flaw in the Java logging library Log4j (2021) showed how a single widely used dependency can expose a vast number of systems at once, many of which did not even know they used it.</p>
<h2>Malicious packages</h2>
<ul>
<li><strong>Typosquatting</strong>: a package whose name is one letter away from a popular one, waiting for a typing mistake in an install command.</li>
<li><strong>Hijacked or handed-over projects</strong>: a maintainer's account is taken over, or a new "helper" gains trust and slips in a backdoor. The backdoor found in the xz compression tools in 2024 was inserted by a contributor who had spent a long time building that trust.</li>
<li><strong>Dependency confusion</strong>: a public package with the same name as your internal one, which a misconfigured installer prefers.</li>
<li><strong>Install scripts</strong> that run arbitrary commands on the developer's machine or the build server the moment the package is installed.</li>
</ul>
<h2>Good habits</h2>
<ol>
<li><strong>Add dependencies deliberately.</strong> Check the exact name, who maintains it, how active and widely used it is, and how many dependencies it brings along. A few lines of your own code can be better than a package.</li>
<li><strong>Commit the lockfile and install from it</strong> in CI (for example <code>npm ci</code>), so builds use exactly the reviewed versions.</li>
<li><strong>Scan continuously</strong> with a vulnerability scanner or your code host's alerts, and update promptly, prioritising vulnerabilities that are known to be exploited.</li>
<li><strong>Review updates</strong> instead of accepting them blindly, especially major versions and new maintainers.</li>
<li><strong>Scope private packages</strong> to your own registry or namespace to prevent dependency confusion.</li>
<li><strong>Limit what builds can do</strong>: least-privilege CI tokens, no production secrets in jobs that install packages, and disabled install scripts where your tooling allows it.</li>
<li><strong>Know what you ship</strong>: generate a software bill of materials (SBOM) so you can answer "are we affected?" in minutes when the next big flaw appears.</li>
</ol>`,
    videoUrl: '',
    transcript: `Most of the code in a modern application was written by someone else. A typical project pulls in hundreds of open-source packages, most of them indirectly, and each one runs with your application's permissions.
That brings two risks. The first is known vulnerabilities. When a flaw in a popular library becomes public, attackers scan for it within hours. Log4Shell, in 2021, showed how one widely used library can expose a huge number of systems, many of which did not even know they used it.
The second risk is malicious packages. Typosquats with names one letter away from popular ones. Projects taken over through a hijacked account or a patient contributor, like the xz backdoor discovered in 2024. Dependency confusion, where a public package impersonates your internal one. And install scripts that run commands on your machine the moment you install.
The habits that help: add dependencies deliberately, checking the exact name, the maintainers and what comes along with it. Commit your lockfile and install from it in CI. Scan continuously and update promptly, starting with vulnerabilities that are being exploited. Review updates instead of accepting them blindly. Keep private packages in your own namespace. Give builds the least privilege and no production secrets. And keep a software bill of materials, so that next time a big flaw hits, you can tell in minutes whether you are affected.`,
    quiz: [
      {
        question: 'What is typosquatting in package registries?',
        choices: ['Publishing a package with a name one mistake away from a popular one', 'A package with spelling errors in its documentation', 'A vulnerability in a text editor', 'Running out of disk space during install'],
        answer: 0,
        explanation: 'Attackers register near-identical names and wait for someone to mistype an install command.',
      },
      {
        question: 'Why should CI install dependencies from a committed lockfile (for example with npm ci)?',
        choices: ['It makes packages smaller', 'So builds use exactly the reviewed versions instead of whatever is newest', 'It removes the need for updates', 'It disables all install scripts'],
        answer: 1,
        explanation: 'A lockfile pins exact versions, so a newly published malicious or broken version does not slip into the build.',
      },
      {
        question: 'What is dependency confusion?',
        choices: ['Two packages with the same licence', 'Forgetting which version you use', 'A public package named like your internal one being installed instead of it', 'A package that depends on itself'],
        answer: 2,
        explanation: 'Installers that check public registries can prefer an attacker\'s public package; scoping internal names prevents it.',
      },
      {
        question: 'A critical vulnerability is announced in a popular library. What helps you know within minutes whether you are affected?',
        choices: ['Reading every source file by hand', 'A software bill of materials and dependency scanning', 'Waiting for customers to complain', 'Deleting the lockfile'],
        answer: 1,
        explanation: 'An SBOM and scanner list every direct and indirect dependency, so you can search for the affected versions at once.',
      },
      {
        question: 'Which measure limits the damage a malicious install script can do in CI?',
        choices: ['Giving the build job admin rights and production secrets', 'Installing packages twice', 'Least-privilege tokens, no production secrets in install jobs, and install scripts disabled where possible', 'Running the build faster'],
        answer: 2,
        explanation: 'A script can only steal or abuse what the job has access to, so keep that as little as possible.',
      },
    ],
    passMark: 80,
    points: 25,
    minutes: 8,
    exercise: null,
  },
];
