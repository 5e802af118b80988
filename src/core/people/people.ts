import type { ServiceDeps } from '../index.ts';

export class PeopleService {
  constructor(private readonly deps: ServiceDeps) {}
}
