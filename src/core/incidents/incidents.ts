import type { ServiceDeps } from '../index.ts';

export class IncidentService {
  constructor(private readonly deps: ServiceDeps) {}
}
