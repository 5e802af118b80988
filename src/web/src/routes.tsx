/**
 * The route table: one entry per area, matched on the first path segment. An area's page gets
 * the rest of the path (`/campaigns/12/edit` → Campaigns with segments ['12', 'edit']) and
 * does its own sub-routing, so an area never needs to touch this file again.
 */
import type { ComponentType } from 'react';
import Campaigns from './pages/campaigns/index.tsx';
import Dashboard from './pages/dashboard/index.tsx';
import Outbox from './pages/outbox/index.tsx';
import People from './pages/people/index.tsx';
import Settings from './pages/settings/index.tsx';
import Templates from './pages/templates/index.tsx';
import Training from './pages/training/index.tsx';

export interface AreaProps {
  /** The path segments after the area's own: `/people/groups/3` → ['groups', '3']. */
  segments: string[];
}

export interface Area {
  /** First path segment ('' for the dashboard at /). */
  segment: string;
  /** Label in the navigation. */
  label: string;
  component: ComponentType<AreaProps>;
}

export const AREAS: Area[] = [
  { segment: '', label: 'Dashboard', component: Dashboard },
  { segment: 'campaigns', label: 'Campaigns', component: Campaigns },
  { segment: 'people', label: 'People', component: People },
  { segment: 'templates', label: 'Templates', component: Templates },
  { segment: 'training', label: 'Training', component: Training },
  { segment: 'outbox', label: 'Outbox', component: Outbox },
  { segment: 'settings', label: 'Settings', component: Settings },
];
