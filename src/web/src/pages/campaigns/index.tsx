import type { AreaProps } from '../../routes.tsx';
import CampaignList from './CampaignList.tsx';
import LiveView from './LiveView.tsx';
import Wizard from './Wizard.tsx';

/** /campaigns, /campaigns/new, /campaigns/:id (live view), /campaigns/:id/edit */
export default function Campaigns({ segments }: AreaProps) {
  const [first, second] = segments;
  if (first === 'new') return <Wizard />;
  const id = Number(first);
  if (first && Number.isInteger(id) && id > 0) return second === 'edit' ? <Wizard id={id} /> : <LiveView id={id} />;
  return <CampaignList />;
}
