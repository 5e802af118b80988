/**
 * What Decoy itself writes on an awareness page (the quiz's labels, the "done" button, the notice
 * after an answer), in the language of the page's content: a person who reads the page in German
 * is told the result in German too. The languages Decoy installs (seed.ts); any other falls back
 * to English.
 */

export interface AwarenessTexts {
  /** The quiz form's submit button and each question's heading. */
  submit: string;
  question: string;
  /** The button of an awareness without a quiz. */
  done: string;
  /** Completed now, without a quiz. */
  thanks: string;
  /** Passed the quiz now: `correct` of `questions`, `percent`. */
  passed(correct: number, questions: number, percent: number): string;
  /** Below the pass mark (`pass` percent). */
  failed(correct: number, questions: number, percent: number, pass: number): string;
  /** Already completed earlier (average quiz score, or null without a quiz). */
  completed(score: number | null): string;
}

const TEXTS: Record<string, AwarenessTexts> = {
  en: {
    submit: 'Submit answers',
    question: 'Question',
    done: 'I have read this',
    thanks: 'Thank you: your training is complete.',
    passed: (c, n, p) => `Well done: you answered ${c} of ${n} questions correctly (${p}%). Your training is complete.`,
    failed: (c, n, p, pass) => `You answered ${c} of ${n} questions correctly (${p}%). ${pass}% is needed to complete the training: read the page again and have another go.`,
    completed: (s) => (s === null ? 'You have completed this training. Thank you.' : `You have completed this training (average quiz score ${s}%). Thank you.`),
  },
  de: {
    submit: 'Antworten absenden',
    question: 'Frage',
    done: 'Ich habe das gelesen',
    thanks: 'Vielen Dank: Ihre Schulung ist abgeschlossen.',
    passed: (c, n, p) => `Gut gemacht: Sie haben ${c} von ${n} Fragen richtig beantwortet (${p} %). Ihre Schulung ist abgeschlossen.`,
    failed: (c, n, p, pass) =>
      `Sie haben ${c} von ${n} Fragen richtig beantwortet (${p} %). Für den Abschluss der Schulung sind ${pass} % nötig: Lesen Sie die Seite noch einmal und versuchen Sie es erneut.`,
    completed: (s) =>
      s === null ? 'Sie haben diese Schulung abgeschlossen. Vielen Dank.' : `Sie haben diese Schulung abgeschlossen (durchschnittliches Quiz-Ergebnis ${s} %). Vielen Dank.`,
  },
  fr: {
    submit: 'Envoyer les réponses',
    question: 'Question',
    done: "J'ai lu ce contenu",
    thanks: 'Merci : votre formation est terminée.',
    passed: (c, n, p) => `Bravo : vous avez répondu correctement à ${c} question(s) sur ${n} (${p} %). Votre formation est terminée.`,
    failed: (c, n, p, pass) =>
      `Vous avez répondu correctement à ${c} question(s) sur ${n} (${p} %). Il faut ${pass} % pour terminer la formation : relisez la page et réessayez.`,
    completed: (s) => (s === null ? 'Vous avez terminé cette formation. Merci.' : `Vous avez terminé cette formation (score moyen au quiz : ${s} %). Merci.`),
  },
  it: {
    submit: 'Invia le risposte',
    question: 'Domanda',
    done: 'Ho letto questo contenuto',
    thanks: 'Grazie: la formazione è completata.',
    passed: (c, n, p) => `Ottimo lavoro: hai risposto correttamente a ${c} domande su ${n} (${p}%). La formazione è completata.`,
    failed: (c, n, p, pass) => `Hai risposto correttamente a ${c} domande su ${n} (${p}%). Per completare la formazione serve il ${pass}%: rileggi la pagina e riprova.`,
    completed: (s) => (s === null ? 'Hai completato questa formazione. Grazie.' : `Hai completato questa formazione (punteggio medio del quiz: ${s}%). Grazie.`),
  },
  es: {
    submit: 'Enviar respuestas',
    question: 'Pregunta',
    done: 'He leído esto',
    thanks: 'Gracias: su formación ha finalizado.',
    passed: (c, n, p) => `Muy bien: ha respondido correctamente ${c} de ${n} preguntas (${p} %). Su formación ha finalizado.`,
    failed: (c, n, p, pass) =>
      `Ha respondido correctamente ${c} de ${n} preguntas (${p} %). Se necesita un ${pass} % para completar la formación: vuelva a leer la página e inténtelo de nuevo.`,
    completed: (s) => (s === null ? 'Ha completado esta formación. Gracias.' : `Ha completado esta formación (puntuación media del cuestionario: ${s} %). Gracias.`),
  },
  nl: {
    submit: 'Antwoorden versturen',
    question: 'Vraag',
    done: 'Ik heb dit gelezen',
    thanks: 'Bedankt: uw training is afgerond.',
    passed: (c, n, p) => `Goed gedaan: u hebt ${c} van de ${n} vragen goed beantwoord (${p}%). Uw training is afgerond.`,
    failed: (c, n, p, pass) => `U hebt ${c} van de ${n} vragen goed beantwoord (${p}%). Om de training af te ronden is ${pass}% nodig: lees de pagina nog eens en probeer het opnieuw.`,
    completed: (s) => (s === null ? 'U hebt deze training afgerond. Bedankt.' : `U hebt deze training afgerond (gemiddelde quizscore ${s}%). Bedankt.`),
  },
  pt: {
    submit: 'Enviar respostas',
    question: 'Pergunta',
    done: 'Li este conteúdo',
    thanks: 'Obrigado: a sua formação está concluída.',
    passed: (c, n, p) => `Muito bem: respondeu corretamente a ${c} de ${n} perguntas (${p}%). A sua formação está concluída.`,
    failed: (c, n, p, pass) =>
      `Respondeu corretamente a ${c} de ${n} perguntas (${p}%). São necessários ${pass}% para concluir a formação: leia a página novamente e tente outra vez.`,
    completed: (s) => (s === null ? 'Concluiu esta formação. Obrigado.' : `Concluiu esta formação (pontuação média no questionário: ${s}%). Obrigado.`),
  },
  pl: {
    submit: 'Wyślij odpowiedzi',
    question: 'Pytanie',
    done: 'Potwierdzam zapoznanie się z treścią',
    thanks: 'Dziękujemy: szkolenie zostało ukończone.',
    passed: (c, n, p) => `Świetnie: poprawne odpowiedzi na ${c} z ${n} pytań (${p}%). Szkolenie zostało ukończone.`,
    failed: (c, n, p, pass) => `Poprawne odpowiedzi: ${c} z ${n} pytań (${p}%). Do ukończenia szkolenia potrzeba ${pass}%: przeczytaj stronę jeszcze raz i spróbuj ponownie.`,
    completed: (s) => (s === null ? 'Szkolenie zostało ukończone. Dziękujemy.' : `Szkolenie zostało ukończone (średni wynik quizu: ${s}%). Dziękujemy.`),
  },
};

/** The texts for a language code ('de', 'de-CH' as 'de'); English for a language without its own. */
export function awarenessTexts(code: string | null | undefined): AwarenessTexts {
  const c = (code ?? '').toLowerCase();
  return TEXTS[c] ?? TEXTS[c.split(/[-_]/)[0]] ?? TEXTS.en;
}

/** The language codes with texts of their own. */
export const AWARENESS_TEXT_LANGUAGES = Object.keys(TEXTS);
