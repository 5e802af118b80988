import type { ServiceDeps } from '../index.ts';

export class ScannerRangeService {
  constructor(private readonly deps: ServiceDeps) {}
}
