/** The built-in training catalogue, installed on first start (original text, English). */

export interface LibraryQuestion {
  question: string;
  choices: string[];
  /** Index of the correct choice. */
  answer: number;
  /** Shown after answering: why the right answer is right. */
  explanation: string;
}

export interface LibraryExercise {
  /** A short hands-on task ("Look at this message and find the sign that gives it away"). */
  instructions: string;
  /** Material the exercise is about (plain text; for example a message header or a code snippet). */
  material: string;
  question: string;
  choices: string[];
  answer: number;
}

export interface LibraryLesson {
  /** Stable key, e.g. 'phishing-basics'. */
  key: string;
  name: string;
  /** phishing | credentials | data | social | physical | reporting | coding */
  topic: string;
  summary: string;
  /**
   * The body, in a restricted HTML subset: <h2>, <h3>, <p>, <ul>, <ol>, <li>, <strong>, <em>,
   * <code>, <pre>, <blockquote>. No attributes, no scripts, no images.
   */
  content: string;
  /** Optional video link ('' when none). */
  videoUrl: string;
  /** Transcript of the video, or of the lesson read aloud (plain text; '' when none). */
  transcript: string;
  quiz: LibraryQuestion[];
  /** Percent of questions to get right to pass. */
  passMark: number;
  points: number;
  minutes: number;
  exercise: LibraryExercise | null;
}

export interface LibraryPath {
  key: string;
  name: string;
  description: string;
  /** Security Journey's role_name ("Security Apprentice"). */
  roleName: string;
  /** Lesson keys, in order, and whether each is required. */
  lessons: { key: string; required: boolean }[];
}
