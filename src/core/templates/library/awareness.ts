/**
 * Built-in awareness templates: the page a person sees after falling for a simulation (or is
 * sent to by the awareness mail), explaining the red flags, what to do and how to report, with
 * a short quiz. Original text written for Decoy.
 */
import type { LibraryAwareness } from './types.ts';

const REPORT_EN = {
  heading: 'How to report a suspicious message',
  text: 'Use the "Report phishing" button in your mail program if you have one. Otherwise forward the message as an attachment to your IT security team or service desk, then delete it. If you already clicked a link, entered a password or opened a file, say so straight away: reporting quickly is what limits the damage, and nobody will blame you for it.',
};
const REPORT_DE = {
  heading: 'So melden Sie eine verdächtige Nachricht',
  text: 'Nutzen Sie die Schaltfläche „Phishing melden“ in Ihrem E-Mail-Programm, falls vorhanden. Andernfalls leiten Sie die Nachricht als Anhang an Ihr IT-Sicherheitsteam oder den Servicedesk weiter und löschen sie danach. Wenn Sie bereits auf einen Link geklickt, ein Passwort eingegeben oder eine Datei geöffnet haben, sagen Sie es sofort: Schnelles Melden begrenzt den Schaden, und niemand wird Ihnen einen Vorwurf machen.',
};

const EMAIL_EN = {
  greeting: 'Hello {{firstname}},',
  button: 'Open the short training',
  signoff: ['Thank you,', 'Your security awareness team at {{company}}'],
};
const EMAIL_DE = {
  greeting: 'Hallo {{firstname}},',
  button: 'Zur kurzen Schulung',
  signoff: ['Vielen Dank!', 'Ihr Security-Awareness-Team von {{company}}'],
};

export const LIBRARY_AWARENESS: LibraryAwareness[] = [
  {
    key: 'awareness-phishing-basics',
    name: 'Spotting phishing emails',
    description: 'The red flags of a phishing email: sender, urgency, links, requests for data. For anyone who clicked a simulated phishing link.',
    email_sender_name: 'Security Awareness Team',
    email_sender: 'awareness@example.com',
    texts: {
      en: {
        subject: 'That was a phishing simulation – here is what to look out for',
        email: {
          ...EMAIL_EN,
          heading: 'You took part in a phishing simulation',
          paragraphs: [
            'The message you recently opened was not real. It was a harmless phishing simulation run by {{company}} to help all of us recognise fraudulent emails.',
            'Nothing bad has happened and no personal data was kept. Please take five minutes to look at the warning signs you could have spotted.',
          ],
        },
        page: {
          title: 'Spotting phishing emails',
          intro: [
            'Hello {{firstname}}, the message you just reacted to was a phishing simulation from {{company}}. No harm was done.',
            'Real attackers send emails like this every day. Most of them can be recognised by a few warning signs. Here they are.',
          ],
          sections: [
            {
              heading: 'Check the sender',
              items: [
                'Look at the full email address, not just the display name. "IT Service Desk" can be typed by anyone.',
                'Watch for look-alike domains: an extra letter, a swapped character or an unusual ending.',
                'Be careful with internal-looking messages that come from outside the organisation.',
              ],
            },
            {
              heading: 'Watch for pressure and emotion',
              items: [
                'Urgent deadlines ("within 24 hours", "or your account will be closed") are meant to stop you thinking.',
                'Too-good-to-be-true offers, unexpected rewards or threats are classic bait.',
                'Unusual requests from managers or executives, especially about money or data, deserve a phone call to check.',
              ],
            },
            {
              heading: 'Check links before you click',
              items: [
                'Hover over a link (or press and hold on a phone) to see where it really goes.',
                'A link text that shows one address can lead to a completely different one.',
                'Never enter your password on a page you reached from an email link. Open the service yourself instead.',
              ],
            },
          ],
          whatToDo: {
            heading: 'What to do',
            items: [
              'Stop and check before you click, open or reply.',
              'If in doubt, contact the supposed sender through a channel you already know, not the one in the email.',
              'Report the message, even if you are not sure. A false alarm costs nothing.',
            ],
          },
          report: REPORT_EN,
          quizHeading: 'Check what you learned',
          quizIntro: 'Three short questions. There is no time limit.',
        },
        quiz: [
          {
            question: 'An email from "IT Service Desk" asks you to confirm your password within 24 hours. What is the best reaction?',
            answers: ['Click the link quickly so the account is not locked', 'Reply with your password', 'Do not use the link; report the message and check with IT through a known channel'],
            correct: 2,
          },
          {
            question: 'Which of these is a typical sign of phishing?',
            answers: ['A personal greeting', 'Pressure to act immediately', 'A signature with a phone number'],
            correct: 1,
          },
          {
            question: 'How can you find out where a link really leads?',
            answers: ['Hover over it and read the address that appears', 'Read the link text', 'Click it and look at the page'],
            correct: 0,
          },
        ],
      },
      de: {
        subject: 'Das war eine Phishing-Simulation – darauf sollten Sie achten',
        email: {
          ...EMAIL_DE,
          heading: 'Sie haben an einer Phishing-Simulation teilgenommen',
          paragraphs: [
            'Die Nachricht, die Sie kürzlich geöffnet haben, war nicht echt. Es war eine harmlose Phishing-Simulation von {{company}}, die uns allen helfen soll, betrügerische E-Mails zu erkennen.',
            'Es ist nichts passiert, und es wurden keine persönlichen Daten gespeichert. Nehmen Sie sich bitte fünf Minuten Zeit für die Warnsignale, an denen Sie die Nachricht hätten erkennen können.',
          ],
        },
        page: {
          title: 'Phishing-E-Mails erkennen',
          intro: [
            'Hallo {{firstname}}, die Nachricht, auf die Sie gerade reagiert haben, war eine Phishing-Simulation von {{company}}. Es ist kein Schaden entstanden.',
            'Echte Angreifer verschicken jeden Tag solche E-Mails. Die meisten lassen sich an wenigen Warnsignalen erkennen. Hier sind sie.',
          ],
          sections: [
            {
              heading: 'Prüfen Sie den Absender',
              items: [
                'Sehen Sie sich die vollständige E-Mail-Adresse an, nicht nur den Anzeigenamen. „IT-Servicedesk“ kann jeder eintippen.',
                'Achten Sie auf ähnlich aussehende Domains: ein zusätzlicher Buchstabe, ein vertauschtes Zeichen oder eine ungewöhnliche Endung.',
                'Seien Sie vorsichtig bei scheinbar internen Nachrichten, die von außerhalb der Organisation kommen.',
              ],
            },
            {
              heading: 'Achten Sie auf Druck und Emotionen',
              items: [
                'Dringende Fristen („innerhalb von 24 Stunden“, „sonst wird Ihr Konto gesperrt“) sollen Sie vom Nachdenken abhalten.',
                'Zu schöne Angebote, unerwartete Belohnungen oder Drohungen sind klassische Köder.',
                'Ungewöhnliche Bitten von Vorgesetzten oder der Geschäftsführung, vor allem zu Geld oder Daten, sollten Sie telefonisch überprüfen.',
              ],
            },
            {
              heading: 'Prüfen Sie Links vor dem Klicken',
              items: [
                'Fahren Sie mit der Maus über einen Link (oder halten Sie ihn auf dem Smartphone gedrückt), um das echte Ziel zu sehen.',
                'Ein Linktext, der eine Adresse zeigt, kann zu einer ganz anderen führen.',
                'Geben Sie Ihr Passwort nie auf einer Seite ein, die Sie über einen E-Mail-Link erreicht haben. Rufen Sie den Dienst stattdessen selbst auf.',
              ],
            },
          ],
          whatToDo: {
            heading: 'Was Sie tun sollten',
            items: [
              'Halten Sie inne und prüfen Sie, bevor Sie klicken, öffnen oder antworten.',
              'Im Zweifel kontaktieren Sie den angeblichen Absender über einen Weg, den Sie bereits kennen, nicht über den in der E-Mail.',
              'Melden Sie die Nachricht, auch wenn Sie unsicher sind. Ein Fehlalarm kostet nichts.',
            ],
          },
          report: REPORT_DE,
          quizHeading: 'Prüfen Sie Ihr Wissen',
          quizIntro: 'Drei kurze Fragen, ohne Zeitlimit.',
        },
        quiz: [
          {
            question: 'Eine E-Mail vom „IT-Servicedesk“ fordert Sie auf, Ihr Passwort innerhalb von 24 Stunden zu bestätigen. Was ist die beste Reaktion?',
            answers: ['Schnell auf den Link klicken, damit das Konto nicht gesperrt wird', 'Mit dem Passwort antworten', 'Den Link nicht nutzen, die Nachricht melden und über einen bekannten Weg bei der IT nachfragen'],
            correct: 2,
          },
          {
            question: 'Welches ist ein typisches Anzeichen für Phishing?',
            answers: ['Eine persönliche Anrede', 'Druck, sofort zu handeln', 'Eine Signatur mit Telefonnummer'],
            correct: 1,
          },
          {
            question: 'Wie finden Sie heraus, wohin ein Link wirklich führt?',
            answers: ['Mit der Maus darüberfahren und die angezeigte Adresse lesen', 'Den Linktext lesen', 'Draufklicken und die Seite ansehen'],
            correct: 0,
          },
        ],
      },
    },
  },
  {
    key: 'awareness-credential-phishing',
    name: 'Fake sign-in pages and your password',
    description: 'Why attackers want passwords, how fake sign-in pages look, and how multi-factor authentication and a password manager help. For anyone who entered data on a simulated page.',
    email_sender_name: 'Security Awareness Team',
    email_sender: 'awareness@example.com',
    texts: {
      en: {
        subject: 'The sign-in page you used was a simulation – please read this',
        email: {
          ...EMAIL_EN,
          heading: 'You entered data on a simulated sign-in page',
          paragraphs: [
            'The sign-in page you recently used was part of a phishing simulation run by {{company}}. Your password was not stored or checked.',
            'In a real attack, the password would now be in the hands of criminals. The short training shows how to recognise fake sign-in pages.',
          ],
        },
        page: {
          title: 'Fake sign-in pages and your password',
          intro: [
            '{{firstname}}, the page where you just entered your details was a simulation from {{company}}. Nothing you typed was kept.',
            'Stolen passwords are the most common way into an organisation. With one password an attacker can read mail, send messages in your name and reach other systems.',
          ],
          sections: [
            {
              heading: 'How fake sign-in pages work',
              items: [
                'They copy the look of a real sign-in page. The design proves nothing: anyone can copy a logo and colours.',
                'The only reliable sign is the address in the browser bar. Check the domain name carefully before you type a password.',
                'Attackers often pre-fill your email address to make the page look familiar.',
              ],
            },
            {
              heading: 'Red flags',
              items: [
                'You reached the sign-in page from a link in an email or a chat message.',
                'You are asked to sign in to "keep", "confirm" or "unlock" something.',
                'The page asks for more than usual, such as an employee number or bank details.',
              ],
            },
            {
              heading: 'Protect your accounts',
              items: [
                'Use multi-factor authentication wherever it is offered, and never approve a sign-in request you did not start.',
                'Use a password manager: it only fills in passwords on the real site, so it will not fill in a fake one.',
                'Use a different password for every service.',
              ],
            },
          ],
          whatToDo: {
            heading: 'If you entered a password on a suspicious page',
            items: [
              'Change the password immediately, from the real service, not from a link.',
              'Tell your IT service desk straight away so they can check your account.',
              'Change the password everywhere else you used it.',
            ],
          },
          report: REPORT_EN,
          quizHeading: 'Check what you learned',
          quizIntro: 'Answer three questions to complete this training.',
        },
        quiz: [
          {
            question: 'What is the most reliable way to tell whether a sign-in page is genuine?',
            answers: ['The logo and colours look right', 'The domain in the browser address bar is the one you expect', 'The page already shows your email address'],
            correct: 1,
          },
          {
            question: 'You get a multi-factor approval request on your phone that you did not start. What do you do?',
            answers: ['Approve it, it is probably IT', 'Deny it and report it to the service desk', 'Ignore it and approve the next one'],
            correct: 1,
          },
          {
            question: 'You typed your password into a page that turned out to be fake. What comes first?',
            answers: ['Wait and see whether anything happens', 'Change the password via the real service and tell IT', 'Delete the email so nobody notices'],
            correct: 1,
          },
        ],
      },
      de: {
        subject: 'Die Anmeldeseite war eine Simulation – bitte lesen Sie dies',
        email: {
          ...EMAIL_DE,
          heading: 'Sie haben Daten auf einer simulierten Anmeldeseite eingegeben',
          paragraphs: [
            'Die Anmeldeseite, die Sie kürzlich genutzt haben, war Teil einer Phishing-Simulation von {{company}}. Ihr Passwort wurde weder gespeichert noch geprüft.',
            'Bei einem echten Angriff wäre das Passwort jetzt in den Händen von Kriminellen. Die kurze Schulung zeigt, wie Sie gefälschte Anmeldeseiten erkennen.',
          ],
        },
        page: {
          title: 'Gefälschte Anmeldeseiten und Ihr Passwort',
          intro: [
            '{{firstname}}, die Seite, auf der Sie gerade Ihre Daten eingegeben haben, war eine Simulation von {{company}}. Nichts von dem, was Sie eingegeben haben, wurde gespeichert.',
            'Gestohlene Passwörter sind der häufigste Weg in eine Organisation. Mit einem einzigen Passwort können Angreifer E-Mails lesen, Nachrichten in Ihrem Namen versenden und weitere Systeme erreichen.',
          ],
          sections: [
            {
              heading: 'So funktionieren gefälschte Anmeldeseiten',
              items: [
                'Sie ahmen das Aussehen echter Anmeldeseiten nach. Das Design beweist nichts: Logo und Farben kann jeder kopieren.',
                'Das einzige verlässliche Merkmal ist die Adresse in der Adresszeile des Browsers. Prüfen Sie den Domainnamen genau, bevor Sie ein Passwort eingeben.',
                'Angreifer tragen oft Ihre E-Mail-Adresse schon vorab ein, damit die Seite vertraut wirkt.',
              ],
            },
            {
              heading: 'Warnsignale',
              items: [
                'Sie sind über einen Link in einer E-Mail oder Chatnachricht auf die Anmeldeseite gekommen.',
                'Sie sollen sich anmelden, um etwas zu „behalten“, zu „bestätigen“ oder zu „entsperren“.',
                'Die Seite verlangt mehr als üblich, etwa eine Personalnummer oder Bankdaten.',
              ],
            },
            {
              heading: 'Schützen Sie Ihre Konten',
              items: [
                'Nutzen Sie die Mehr-Faktor-Authentifizierung, wo immer sie angeboten wird, und bestätigen Sie nie eine Anmeldeanfrage, die Sie nicht selbst ausgelöst haben.',
                'Verwenden Sie einen Passwort-Manager: Er füllt Passwörter nur auf der echten Seite aus, nicht auf einer Fälschung.',
                'Verwenden Sie für jeden Dienst ein eigenes Passwort.',
              ],
            },
          ],
          whatToDo: {
            heading: 'Wenn Sie ein Passwort auf einer verdächtigen Seite eingegeben haben',
            items: [
              'Ändern Sie das Passwort sofort, und zwar über den echten Dienst, nicht über einen Link.',
              'Informieren Sie umgehend den IT-Servicedesk, damit Ihr Konto überprüft werden kann.',
              'Ändern Sie das Passwort auch überall dort, wo Sie es sonst noch verwendet haben.',
            ],
          },
          report: REPORT_DE,
          quizHeading: 'Prüfen Sie Ihr Wissen',
          quizIntro: 'Beantworten Sie drei Fragen, um diese Schulung abzuschließen.',
        },
        quiz: [
          {
            question: 'Woran erkennen Sie am zuverlässigsten, ob eine Anmeldeseite echt ist?',
            answers: ['Logo und Farben stimmen', 'Die Domain in der Adresszeile des Browsers ist die erwartete', 'Die Seite zeigt bereits Ihre E-Mail-Adresse an'],
            correct: 1,
          },
          {
            question: 'Sie erhalten auf dem Smartphone eine Anfrage zur Mehr-Faktor-Bestätigung, die Sie nicht ausgelöst haben. Was tun Sie?',
            answers: ['Bestätigen, das ist bestimmt die IT', 'Ablehnen und dem Servicedesk melden', 'Ignorieren und die nächste bestätigen'],
            correct: 1,
          },
          {
            question: 'Sie haben Ihr Passwort auf einer Seite eingegeben, die sich als Fälschung herausstellt. Was ist zuerst zu tun?',
            answers: ['Abwarten, ob etwas passiert', 'Das Passwort über den echten Dienst ändern und die IT informieren', 'Die E-Mail löschen, damit es niemand merkt'],
            correct: 1,
          },
        ],
      },
    },
  },
  {
    key: 'awareness-attachments',
    name: 'Dangerous attachments and downloads',
    description: 'How files in emails and downloads are used to infect devices: risky file types, macros, "enable content" prompts. For anyone who downloaded or opened a simulated file.',
    email_sender_name: 'Security Awareness Team',
    email_sender: 'awareness@example.com',
    texts: {
      en: {
        subject: 'The file you downloaded was part of a simulation',
        email: {
          ...EMAIL_EN,
          heading: 'You downloaded a file from a simulated phishing email',
          paragraphs: [
            'The file you recently downloaded came from a phishing simulation run by {{company}}. It was harmless and did nothing to your device.',
            'A real file could have installed malware or encrypted your data. The short training explains which files to be wary of.',
          ],
        },
        page: {
          title: 'Dangerous attachments and downloads',
          intro: [
            '{{firstname}}, the file you just downloaded was part of a phishing simulation from {{company}}. It was harmless.',
            'Files are one of the main ways malware gets onto a computer. A single opened attachment can be enough to lock up a whole network with ransomware.',
          ],
          sections: [
            {
              heading: 'Risky files',
              items: [
                'Programs and scripts (for example .exe, .js, .vbs, .bat, .scr) never belong in an email.',
                'Office documents that ask you to "enable content" or "enable macros" are a classic trap.',
                'Compressed files (.zip, .7z, .iso), especially password-protected ones, are used to slip past virus scanners.',
                'Watch out for double extensions such as "Invoice.pdf.exe".',
              ],
            },
            {
              heading: 'Red flags',
              items: [
                'You were not expecting the file, or the sender is unknown.',
                'The message creates pressure: an overdue invoice, a confidential list, a mandatory update.',
                'IT never sends updates as email attachments or download links; they are installed centrally.',
              ],
            },
          ],
          whatToDo: {
            heading: 'What to do',
            items: [
              'Do not open unexpected files. Ask the sender through a known channel whether they really sent it.',
              'Never click "Enable content" or "Enable macros" in a document you received by email.',
              'If you opened a suspicious file, disconnect from the network and call the service desk immediately.',
            ],
          },
          report: REPORT_EN,
          quizHeading: 'Check what you learned',
          quizIntro: 'Three questions to finish.',
        },
        quiz: [
          {
            question: 'A document from an unknown sender asks you to click "Enable content" to see the text. What do you do?',
            answers: ['Enable content, otherwise you cannot read it', 'Close the document and report the message', 'Forward it to colleagues to see if it works for them'],
            correct: 1,
          },
          {
            question: 'Which file name should make you most suspicious?',
            answers: ['Minutes_March.pdf', 'Invoice_0415.pdf.exe', 'Team_photo.jpg'],
            correct: 1,
          },
          {
            question: 'An email asks you to download and install a security update yourself. What is true?',
            answers: ['Updates are usually installed centrally; this is a red flag', 'Security updates are always urgent, so install it', 'It is safe if the email uses the company name'],
            correct: 0,
          },
        ],
      },
      de: {
        subject: 'Die heruntergeladene Datei war Teil einer Simulation',
        email: {
          ...EMAIL_DE,
          heading: 'Sie haben eine Datei aus einer simulierten Phishing-E-Mail heruntergeladen',
          paragraphs: [
            'Die Datei, die Sie kürzlich heruntergeladen haben, stammte aus einer Phishing-Simulation von {{company}}. Sie war harmlos und hat auf Ihrem Gerät nichts verändert.',
            'Eine echte Datei hätte Schadsoftware installieren oder Ihre Daten verschlüsseln können. Die kurze Schulung erklärt, bei welchen Dateien Vorsicht geboten ist.',
          ],
        },
        page: {
          title: 'Gefährliche Anhänge und Downloads',
          intro: [
            '{{firstname}}, die Datei, die Sie gerade heruntergeladen haben, war Teil einer Phishing-Simulation von {{company}}. Sie war harmlos.',
            'Dateien sind einer der wichtigsten Wege, auf denen Schadsoftware auf Computer gelangt. Ein einziger geöffneter Anhang kann genügen, um mit Ransomware ein ganzes Netzwerk lahmzulegen.',
          ],
          sections: [
            {
              heading: 'Riskante Dateien',
              items: [
                'Programme und Skripte (zum Beispiel .exe, .js, .vbs, .bat, .scr) gehören nie in eine E-Mail.',
                'Office-Dokumente, die Sie auffordern, „Inhalte zu aktivieren“ oder „Makros zu aktivieren“, sind eine klassische Falle.',
                'Komprimierte Dateien (.zip, .7z, .iso), besonders passwortgeschützte, werden genutzt, um Virenscanner zu umgehen.',
                'Achten Sie auf doppelte Dateiendungen wie „Rechnung.pdf.exe“.',
              ],
            },
            {
              heading: 'Warnsignale',
              items: [
                'Sie haben die Datei nicht erwartet, oder der Absender ist unbekannt.',
                'Die Nachricht erzeugt Druck: eine überfällige Rechnung, eine vertrauliche Liste, ein Pflicht-Update.',
                'Die IT verschickt Updates nie als E-Mail-Anhang oder Download-Link; sie werden zentral installiert.',
              ],
            },
          ],
          whatToDo: {
            heading: 'Was Sie tun sollten',
            items: [
              'Öffnen Sie keine unerwarteten Dateien. Fragen Sie beim Absender über einen bekannten Weg nach, ob er sie wirklich geschickt hat.',
              'Klicken Sie in per E-Mail erhaltenen Dokumenten nie auf „Inhalt aktivieren“ oder „Makros aktivieren“.',
              'Wenn Sie eine verdächtige Datei geöffnet haben, trennen Sie das Gerät vom Netzwerk und rufen Sie sofort den Servicedesk an.',
            ],
          },
          report: REPORT_DE,
          quizHeading: 'Prüfen Sie Ihr Wissen',
          quizIntro: 'Noch drei Fragen zum Abschluss.',
        },
        quiz: [
          {
            question: 'Ein Dokument von einem unbekannten Absender fordert Sie auf, „Inhalt aktivieren“ zu klicken, um den Text zu sehen. Was tun Sie?',
            answers: ['Inhalt aktivieren, sonst kann man es nicht lesen', 'Das Dokument schließen und die Nachricht melden', 'Es an Kollegen weiterleiten, um zu sehen, ob es bei ihnen funktioniert'],
            correct: 1,
          },
          {
            question: 'Welcher Dateiname sollte Sie am misstrauischsten machen?',
            answers: ['Protokoll_März.pdf', 'Rechnung_0415.pdf.exe', 'Teamfoto.jpg'],
            correct: 1,
          },
          {
            question: 'Eine E-Mail fordert Sie auf, ein Sicherheitsupdate selbst herunterzuladen und zu installieren. Was stimmt?',
            answers: ['Updates werden in der Regel zentral installiert; das ist ein Warnsignal', 'Sicherheitsupdates sind immer dringend, also installieren', 'Es ist sicher, wenn die E-Mail den Firmennamen verwendet'],
            correct: 0,
          },
        ],
      },
    },
  },
  {
    key: 'awareness-reporting',
    name: 'Report it: what to do with a suspicious message',
    description: 'Why reporting matters more than never clicking, how to report, and what happens afterwards. Good as a follow-up for everyone, including people who reported the simulation.',
    email_sender_name: 'Security Awareness Team',
    email_sender: 'awareness@example.com',
    texts: {
      en: {
        subject: 'Two minutes on the most useful thing you can do: report',
        email: {
          ...EMAIL_EN,
          heading: 'Every report helps protect {{company}}',
          paragraphs: [
            '{{company}} recently ran a phishing simulation. Whether or not you spotted it, the most valuable thing anyone can do with a suspicious message is to report it.',
            'This two-minute page explains how to report and what happens next.',
          ],
        },
        page: {
          title: 'Report it: what to do with a suspicious message',
          intro: [
            '{{firstname}}, security teams rarely see an attack first: the people who receive the messages do.',
            'A single early report can let the security team block a link or remove a message from every mailbox before others fall for it.',
          ],
          sections: [
            {
              heading: 'Why reporting matters',
              items: [
                'Attackers usually send the same message to many people at once. Your report protects all of them.',
                'Reporting is useful even after you clicked. The sooner the team knows, the less damage can be done.',
                'A false alarm is never a problem. The team would rather check ten harmless messages than miss one attack.',
              ],
            },
            {
              heading: 'What to report',
              items: [
                'Emails, text messages or chat messages that ask for passwords, payments or personal data.',
                'Unexpected attachments or download links.',
                'Phone calls in which someone claims to be from IT, a bank or a manager and asks for information or access.',
              ],
            },
          ],
          whatToDo: {
            heading: 'How to report',
            items: [
              'Use the "Report phishing" button in your mail program if it is available.',
              'Otherwise forward the message as an attachment to the security team or service desk.',
              'Do not forward suspicious messages to colleagues to ask their opinion; that spreads the risk.',
              'After reporting, delete the message.',
            ],
          },
          report: REPORT_EN,
          quizHeading: 'Check what you learned',
          quizIntro: 'Three quick questions.',
        },
        quiz: [
          {
            question: 'You clicked a link in a suspicious email and only then noticed it. Is it still worth reporting?',
            answers: ['No, it is too late', 'Yes, reporting quickly limits the damage', 'Only if something visibly happened'],
            correct: 1,
          },
          {
            question: 'What is the best way to report a suspicious email?',
            answers: ['Forward it to your whole team as a warning', 'Use the report button or forward it as an attachment to the security team', 'Reply to the sender and ask whether it is genuine'],
            correct: 1,
          },
          {
            question: 'You are unsure whether a message is phishing. What should you do?',
            answers: ['Report it anyway; a false alarm costs nothing', 'Wait until you are certain', 'Click the link to find out'],
            correct: 0,
          },
        ],
      },
      de: {
        subject: 'Zwei Minuten für das Wichtigste, was Sie tun können: melden',
        email: {
          ...EMAIL_DE,
          heading: 'Jede Meldung hilft, {{company}} zu schützen',
          paragraphs: [
            '{{company}} hat kürzlich eine Phishing-Simulation durchgeführt. Ob Sie sie erkannt haben oder nicht: Das Wertvollste, was man mit einer verdächtigen Nachricht tun kann, ist sie zu melden.',
            'Diese Seite erklärt in zwei Minuten, wie Sie melden und was danach passiert.',
          ],
        },
        page: {
          title: 'Melden Sie es: Was tun mit einer verdächtigen Nachricht?',
          intro: [
            '{{firstname}}, Sicherheitsteams sehen einen Angriff selten als Erste, sondern die Menschen, die die Nachrichten erhalten.',
            'Eine einzige frühe Meldung kann es dem Sicherheitsteam ermöglichen, einen Link zu sperren oder eine Nachricht aus allen Postfächern zu entfernen, bevor andere darauf hereinfallen.',
          ],
          sections: [
            {
              heading: 'Warum Melden wichtig ist',
              items: [
                'Angreifer verschicken dieselbe Nachricht meist an viele Personen gleichzeitig. Ihre Meldung schützt alle.',
                'Melden lohnt sich auch, nachdem Sie geklickt haben. Je früher das Team Bescheid weiß, desto geringer der Schaden.',
                'Ein Fehlalarm ist nie ein Problem. Das Team prüft lieber zehn harmlose Nachrichten, als einen Angriff zu übersehen.',
              ],
            },
            {
              heading: 'Was Sie melden sollten',
              items: [
                'E-Mails, SMS oder Chatnachrichten, die nach Passwörtern, Zahlungen oder persönlichen Daten fragen.',
                'Unerwartete Anhänge oder Download-Links.',
                'Anrufe, bei denen sich jemand als IT, Bank oder Vorgesetzte ausgibt und nach Informationen oder Zugängen fragt.',
              ],
            },
          ],
          whatToDo: {
            heading: 'So melden Sie',
            items: [
              'Nutzen Sie die Schaltfläche „Phishing melden“ in Ihrem E-Mail-Programm, falls vorhanden.',
              'Andernfalls leiten Sie die Nachricht als Anhang an das Sicherheitsteam oder den Servicedesk weiter.',
              'Leiten Sie verdächtige Nachrichten nicht an Kolleginnen und Kollegen weiter, um deren Meinung einzuholen; das verbreitet das Risiko.',
              'Löschen Sie die Nachricht nach dem Melden.',
            ],
          },
          report: REPORT_DE,
          quizHeading: 'Prüfen Sie Ihr Wissen',
          quizIntro: 'Drei kurze Fragen.',
        },
        quiz: [
          {
            question: 'Sie haben auf einen Link in einer verdächtigen E-Mail geklickt und es erst danach bemerkt. Lohnt sich eine Meldung noch?',
            answers: ['Nein, es ist zu spät', 'Ja, schnelles Melden begrenzt den Schaden', 'Nur wenn sichtbar etwas passiert ist'],
            correct: 1,
          },
          {
            question: 'Wie melden Sie eine verdächtige E-Mail am besten?',
            answers: ['An das ganze Team als Warnung weiterleiten', 'Über die Melde-Schaltfläche oder als Anhang an das Sicherheitsteam', 'Dem Absender antworten und fragen, ob sie echt ist'],
            correct: 1,
          },
          {
            question: 'Sie sind unsicher, ob eine Nachricht Phishing ist. Was sollten Sie tun?',
            answers: ['Trotzdem melden; ein Fehlalarm kostet nichts', 'Warten, bis Sie sicher sind', 'Auf den Link klicken, um es herauszufinden'],
            correct: 0,
          },
        ],
      },
    },
  },
  {
    key: 'awareness-social-engineering',
    name: 'Urgency, authority and rewards: social engineering tricks',
    description: 'The psychological levers behind phishing and fraud (urgency, authority, curiosity, rewards) and how to resist them, including fake payment requests and gift-card scams.',
    email_sender_name: 'Security Awareness Team',
    email_sender: 'awareness@example.com',
    texts: {
      en: {
        subject: 'Why the message worked – and how to resist the next one',
        email: {
          ...EMAIL_EN,
          heading: 'The message you reacted to was a simulation',
          paragraphs: [
            'The message you recently reacted to was part of a phishing simulation at {{company}}. No harm was done.',
            'It used the same psychological tricks real fraudsters use. The short training shows how those tricks work, so that you can spot them next time.',
          ],
        },
        page: {
          title: 'Urgency, authority and rewards: social engineering tricks',
          intro: [
            '{{firstname}}, the message you reacted to was a simulation from {{company}}. It was designed to trigger a quick, emotional reaction, just as real attacks are.',
            'Social engineering does not attack computers but people. Knowing the levers makes them much less effective.',
          ],
          sections: [
            {
              heading: 'The levers attackers pull',
              items: [
                'Urgency: "today", "within 24 hours", "last reminder". Time pressure stops careful checking.',
                'Authority: messages that appear to come from executives, IT, HR, authorities or banks.',
                'Rewards and curiosity: vouchers, bonuses, salary lists, "confidential" documents.',
                'Fear: locked accounts, overdue invoices, legal consequences.',
              ],
            },
            {
              heading: 'Typical frauds',
              items: [
                'A supposed executive asks you to buy gift cards or make an urgent, confidential payment.',
                'A supplier announces new bank details for future payments.',
                'A caller from "IT support" asks for your password or a code sent to your phone.',
              ],
            },
          ],
          whatToDo: {
            heading: 'What to do',
            items: [
              'Notice the emotion: if a message makes you hurry, worry or feel excited, slow down.',
              'Verify unusual requests through a second, known channel: call the person on a number you already have.',
              'Follow the agreed procedures for payments and changes to bank details, whoever is asking.',
              'Never share passwords or one-time codes with anyone, including IT.',
            ],
          },
          report: REPORT_EN,
          quizHeading: 'Check what you learned',
          quizIntro: 'Three questions about the tricks.',
        },
        quiz: [
          {
            question: 'Your "managing director" writes from a private address asking you to buy gift cards urgently and send the codes. What do you do?',
            answers: ['Buy them quickly, it is urgent', 'Verify by calling the managing director on a known number, and report the message', 'Reply asking for a reason'],
            correct: 1,
          },
          {
            question: 'Which lever does "Your account will be locked in 24 hours" use?',
            answers: ['Reward', 'Urgency and fear', 'Curiosity'],
            correct: 1,
          },
          {
            question: 'A caller from "IT support" asks for the code just sent to your phone. What is correct?',
            answers: ['Give it, IT needs it to help', 'Never share one-time codes; end the call and report it', 'Share it only if the caller knows your name'],
            correct: 1,
          },
        ],
      },
      de: {
        subject: 'Warum die Nachricht funktioniert hat – und wie Sie der nächsten widerstehen',
        email: {
          ...EMAIL_DE,
          heading: 'Die Nachricht, auf die Sie reagiert haben, war eine Simulation',
          paragraphs: [
            'Die Nachricht, auf die Sie kürzlich reagiert haben, war Teil einer Phishing-Simulation bei {{company}}. Es ist kein Schaden entstanden.',
            'Sie nutzte dieselben psychologischen Tricks wie echte Betrüger. Die kurze Schulung zeigt, wie diese Tricks funktionieren, damit Sie sie beim nächsten Mal erkennen.',
          ],
        },
        page: {
          title: 'Dringlichkeit, Autorität und Belohnung: Tricks des Social Engineering',
          intro: [
            '{{firstname}}, die Nachricht, auf die Sie reagiert haben, war eine Simulation von {{company}}. Sie sollte eine schnelle, emotionale Reaktion auslösen, genau wie echte Angriffe.',
            'Social Engineering greift nicht Computer an, sondern Menschen. Wer die Hebel kennt, ist deutlich weniger anfällig.',
          ],
          sections: [
            {
              heading: 'Die Hebel der Angreifer',
              items: [
                'Dringlichkeit: „heute“, „innerhalb von 24 Stunden“, „letzte Erinnerung“. Zeitdruck verhindert sorgfältiges Prüfen.',
                'Autorität: Nachrichten, die scheinbar von der Geschäftsführung, der IT, der Personalabteilung, Behörden oder Banken kommen.',
                'Belohnung und Neugier: Gutscheine, Prämien, Gehaltslisten, „vertrauliche“ Dokumente.',
                'Angst: gesperrte Konten, überfällige Rechnungen, rechtliche Folgen.',
              ],
            },
            {
              heading: 'Typische Betrugsmaschen',
              items: [
                'Eine angebliche Führungskraft bittet Sie, Gutscheinkarten zu kaufen oder eine dringende, vertrauliche Zahlung auszuführen.',
                'Ein Lieferant kündigt neue Bankdaten für künftige Zahlungen an.',
                'Jemand vom „IT-Support“ ruft an und fragt nach Ihrem Passwort oder einem Code, der an Ihr Telefon geschickt wurde.',
              ],
            },
          ],
          whatToDo: {
            heading: 'Was Sie tun sollten',
            items: [
              'Achten Sie auf das Gefühl: Wenn eine Nachricht Sie hetzt, beunruhigt oder begeistert, werden Sie langsamer.',
              'Prüfen Sie ungewöhnliche Bitten über einen zweiten, bekannten Weg: Rufen Sie die Person unter einer Nummer an, die Sie bereits haben.',
              'Halten Sie sich bei Zahlungen und geänderten Bankdaten an die vereinbarten Abläufe, egal wer fragt.',
              'Geben Sie Passwörter oder Einmalcodes niemals weiter, auch nicht an die IT.',
            ],
          },
          report: REPORT_DE,
          quizHeading: 'Prüfen Sie Ihr Wissen',
          quizIntro: 'Drei Fragen zu den Tricks.',
        },
        quiz: [
          {
            question: 'Ihr „Geschäftsführer“ schreibt von einer privaten Adresse und bittet Sie, dringend Gutscheinkarten zu kaufen und die Codes zu schicken. Was tun Sie?',
            answers: ['Schnell kaufen, es ist dringend', 'Beim Geschäftsführer unter einer bekannten Nummer nachfragen und die Nachricht melden', 'Antworten und nach dem Grund fragen'],
            correct: 1,
          },
          {
            question: 'Welchen Hebel nutzt „Ihr Konto wird in 24 Stunden gesperrt“?',
            answers: ['Belohnung', 'Dringlichkeit und Angst', 'Neugier'],
            correct: 1,
          },
          {
            question: 'Jemand vom „IT-Support“ fragt am Telefon nach dem Code, der gerade an Ihr Handy geschickt wurde. Was ist richtig?',
            answers: ['Den Code nennen, die IT braucht ihn zum Helfen', 'Einmalcodes nie weitergeben; Gespräch beenden und melden', 'Nur nennen, wenn der Anrufer Ihren Namen kennt'],
            correct: 1,
          },
        ],
      },
    },
  },
];
