import type { ServiceDeps } from '../index.ts';

export class TemplateService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Installs the built-in template library on first start (idempotent). */
  async installLibrary(): Promise<void> {}
}
