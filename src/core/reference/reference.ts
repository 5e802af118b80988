import type { ServiceDeps } from '../index.ts';

export class ReferenceService {
  constructor(private readonly deps: ServiceDeps) {}
}
