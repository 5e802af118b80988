/**
 * Shapes of the built-in library's data. The library files hold plain text only (placeholders
 * such as `{{firstname}}` included); `compose.ts` turns it into the HTML and text stored in the
 * template tables, so every built-in mail and page shares one tested layout.
 */
import type { QuizQuestion } from '../awareness-templates.ts';

export type LibraryLanguage = 'en' | 'de';

export interface LoginLanding {
  kind: 'login';
  title: string;
  heading: string;
  intro: string;
  userLabel: string;
  passLabel: string;
  button: string;
  help: string;
}

export interface FormLanding {
  kind: 'form';
  title: string;
  heading: string;
  intro: string;
  /** `name` is the form field name posted to `{{form_action}}`. */
  fields: { name: string; label: string; type: 'text' | 'email' | 'password' | 'tel'; prefill?: string }[];
  button: string;
  help: string;
}

export interface DownloadLanding {
  kind: 'download';
  title: string;
  heading: string;
  text: string;
  fileLabel: string;
  fileSize: string;
  button: string;
  note: string;
}

export interface UnavailableLanding {
  kind: 'unavailable';
  title: string;
  heading: string;
  text: string;
  note: string;
  /** A reference shown in small print, e.g. an error code. */
  reference: string;
}

export type LandingPage = LoginLanding | FormLanding | DownloadLanding | UnavailableLanding;

export interface ScenarioText {
  /** The name shown in the mail header bar (a fictitious company or an internal department). */
  brand: string;
  sender_name: string;
  /** Local part; the library uses `@example.com`, which a scenario's sender replaces. */
  sender_local: string;
  subject: string;
  heading: string;
  greeting: string;
  paragraphs: string[];
  /** Label/value rows shown as a small table (a tracking number, an amount due). */
  details?: [string, string][];
  button: string;
  after?: string[];
  /** Lines of the closing. */
  signoff: string[];
  footer: string;
  landing: LandingPage;
  /** File scenarios: the name of the file offered for download. */
  attachment_name?: string;
}

export interface LibraryScenario {
  key: string;
  type: 'data' | 'file' | 'hyperlink';
  name: string;
  description: string;
  category: string;
  audience: string;
  /** Accent colour of the mail and landing page, as #rrggbb. */
  color: string;
  texts: Record<LibraryLanguage, ScenarioText>;
}

export interface AwarenessText {
  subject: string;
  email: { heading: string; greeting: string; paragraphs: string[]; button: string; signoff: string[] };
  page: {
    title: string;
    intro: string[];
    sections: { heading: string; items: string[] }[];
    whatToDo: { heading: string; items: string[] };
    report: { heading: string; text: string };
    quizHeading: string;
    quizIntro: string;
  };
  quiz: QuizQuestion[];
}

export interface LibraryAwareness {
  key: string;
  name: string;
  description: string;
  email_sender_name: string;
  email_sender: string;
  texts: Record<LibraryLanguage, AwarenessText>;
}

export interface LibraryAttachment {
  key: string;
  name: string;
  description: string;
  variables: string[];
  configurations: string[];
  scenario_type: string;
}

export interface LibraryReport {
  key: string;
  name: string;
  sections: { id: string; title: string }[];
}

export interface LibraryCampaignTemplate {
  key: string;
  name: string;
  settings: Record<string, unknown>;
}
