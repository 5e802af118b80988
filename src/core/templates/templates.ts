import type { ServiceDeps } from '../index.ts';
import { AwarenessTemplates } from './awareness-templates.ts';
import { installLibrary } from './install.ts';
import { OtherTemplates } from './other-templates.ts';
import { ScenarioTemplates } from './scenario-templates.ts';

/**
 * Templates: scenario (attack) templates, awareness templates, and the attachment, report and
 * campaign templates. Each kind has a built-in library (client_id NULL, visible to every client,
 * changed only by a super admin) beside each client's own templates.
 */
export class TemplateService {
  readonly scenarios: ScenarioTemplates;
  readonly awareness: AwarenessTemplates;
  readonly others: OtherTemplates;

  constructor(private readonly deps: ServiceDeps) {
    this.scenarios = new ScenarioTemplates(deps);
    this.awareness = new AwarenessTemplates(deps);
    this.others = new OtherTemplates(deps);
  }

  /** Installs the built-in template library (idempotent; one settings read when up to date). */
  async installLibrary(): Promise<void> {
    await installLibrary(this.deps.db);
  }
}
