import type { ServiceDeps } from '../index.ts';

export class TrackingService {
  constructor(private readonly deps: ServiceDeps) {}
}
