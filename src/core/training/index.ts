/**
 * Training: the lesson catalogue and paths, learners, enrollments, assignments and their
 * reminder mails. The learner portal (attempts) and the Security Journey v2 reports work on the
 * same tables; progress is recomputed in one place (progress.ts).
 */
import type { ServiceDeps } from '../index.ts';
import { AssignmentService } from './assignments.ts';
import { EnrollmentService } from './enrollments.ts';
import { installTrainingLibrary } from './install.ts';
import { LearnerService } from './learners.ts';
import { LessonService } from './lessons.ts';
import { PathService } from './paths.ts';
import { PortalLinks } from './portal-links.ts';
import { ReminderService } from './reminders.ts';

export { ensureLearners, resolvePeople, effectiveStatus, type PersonLike, type PeopleSelection } from './learners.ts';
export { portalBase, type ReminderMail, type ReminderSender, type ReminderOutcome } from './reminders.ts';

export class TrainingService {
  readonly links: PortalLinks;
  readonly lessons: LessonService;
  readonly paths: PathService;
  readonly learners: LearnerService;
  readonly enrollments: EnrollmentService;
  readonly assignments: AssignmentService;
  readonly reminders: ReminderService;

  constructor(private readonly deps: ServiceDeps) {
    this.links = new PortalLinks(deps.config.secret);
    this.lessons = new LessonService(deps);
    this.paths = new PathService(deps);
    this.learners = new LearnerService(deps);
    this.enrollments = new EnrollmentService(deps);
    this.assignments = new AssignmentService(deps);
    this.reminders = new ReminderService(deps, this.links);
    this.assignments.onAssigned = () => this.reminders.poke();
  }

  /** The built-in catalogue, on every start (fast when already installed). */
  installLibrary(): Promise<void> {
    return installTrainingLibrary(this.deps.db);
  }
}
