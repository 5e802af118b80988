import type { ServiceDeps } from '../index.ts';

export class CampaignService {
  constructor(private readonly deps: ServiceDeps) {}
}
