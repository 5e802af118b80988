import type { ServiceDeps } from '../index.ts';

export class OutboxService {
  constructor(private readonly deps: ServiceDeps) {}
}
