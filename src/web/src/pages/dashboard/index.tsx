/**
 * The home page: running campaigns with their funnel, recent activity, the people who fail
 * most often, training completion. One request (GET /api/dashboard), refreshed every 15 s.
 */
import { Alert, formatDate, Loading, Page, Section, StatusBadge } from '../../components/ui.tsx';
import { api } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';
import { CanWrite } from '../../session.tsx';

interface Funnel {
  victims: number;
  sent: number;
  opened: number;
  clicked: number;
  succeeded: number;
  reported: number;
  trained: number;
}

interface Campaign {
  id: number;
  name: string;
  status: string;
  started_at: string | null;
  stopped_at: string | null;
  funnel: Funnel;
}

interface Activity {
  kind: 'hit' | 'campaign';
  time: string;
  campaign_id: number;
  campaign_name: string;
  type: string;
  victim_id: number | null;
  email: string | null;
  name: string | null;
}

interface Failer {
  email: string;
  name: string;
  failures: number;
  last_failed_at: string | null;
}

interface Dashboard {
  running_count: number;
  running: Campaign[];
  finished: Campaign[];
  activity: Activity[];
  repeat_failers: Failer[];
  training: {
    enrollments: { total: number; not_started: number; in_progress: number; passed: number; paused: number };
    assignments: { total: number; completed: number; in_progress: number; assigned: number; overdue: number };
  };
}

const STEPS: { key: keyof Funnel; label: string }[] = [
  { key: 'sent', label: 'Sent' },
  { key: 'opened', label: 'Opened' },
  { key: 'clicked', label: 'Clicked' },
  { key: 'succeeded', label: 'Succeeded' },
  { key: 'reported', label: 'Reported' },
  { key: 'trained', label: 'Trained' },
];

const ACTIVITY_WORDS: Record<string, string> = {
  open: 'opened the message',
  click: 'clicked the link',
  landing: 'opened the landing page',
  submit: 'submitted the form',
  download: 'downloaded the file',
  file_data: 'opened the attachment',
  report: 'reported the message',
  awareness_open: 'opened the awareness training',
  awareness_complete: 'completed the awareness training',
  started: 'Campaign started',
  stopped: 'Campaign stopped',
};

const pct = (n: number, of: number) => (of > 0 ? `${Math.round((n / of) * 100)}%` : '—');

export function FunnelList({ funnel, label }: { funnel: Funnel; label: string }) {
  return (
    <ul className="funnel" aria-label={label}>
      {STEPS.map((s) => (
        <li key={s.key}>
          <span className="n">{funnel[s.key]}</span>
          {s.label} <span className="pct">{pct(funnel[s.key], funnel.sent || funnel.victims)}</span>
        </li>
      ))}
    </ul>
  );
}

function CampaignCard({ c }: { c: Campaign }) {
  return (
    <div className="card">
      <div className="section-head">
        <h3>
          <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
        </h3>
        <StatusBadge status={c.status} />
      </div>
      <p className="muted">
        {c.funnel.victims} people · started {formatDate(c.started_at)}
        {c.stopped_at ? ` · stopped ${formatDate(c.stopped_at)}` : ''}
      </p>
      <FunnelList funnel={c.funnel} label={`Funnel of ${c.name}`} />
    </div>
  );
}

function Meter({ label, value, total }: { label: string; value: number; total: number }) {
  return (
    <div className="field">
      <span>
        <strong>{label}</strong>: {value} of {total} ({pct(value, total)})
      </span>
      <progress max={Math.max(total, 1)} value={value} aria-label={label} />
    </div>
  );
}

export default function DashboardPage(_props: AreaProps) {
  const d = useLoad(() => api.get<{ dashboard: Dashboard }>('/api/dashboard').then((r) => r.dashboard), [], 15_000);
  if (d.error && !d.data) return <Page title="Dashboard"><Alert>{d.error}</Alert></Page>;
  if (!d.data) return <Page title="Dashboard"><Loading /></Page>;
  const { running, finished, activity, repeat_failers: failers, training, running_count: runningCount } = d.data;
  return (
    <Page
      title="Dashboard"
      actions={
        <CanWrite>
          <Link className="btn btn-primary" to="/campaigns/new">
            New campaign
          </Link>
        </CanWrite>
      }
    >
      {d.error && <Alert>{d.error}</Alert>}
      <div aria-live="polite">
        <Section title={`Running campaigns (${runningCount})`}>
          {running.length === 0 ? (
            <p className="muted">No campaign is running. {finished.length ? 'The latest finished ones are below.' : ''}</p>
          ) : (
            running.map((c) => <CampaignCard key={c.id} c={c} />)
          )}
          {runningCount > running.length && <p className="muted">Showing the {running.length} most recently started. <Link to="/campaigns?status=running">All running campaigns</Link></p>}
        </Section>
        <div className="grid">
          <Section title="Recent activity">
            {activity.length === 0 ? (
              <p className="muted">Nothing yet. Hits by link scanners are not shown here.</p>
            ) : (
              <>
              <p className="muted">What people did, newest first (hits by link scanners are left out).</p>
              <ul className="activity" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {activity.map((a, i) => (
                  <li key={`${a.kind}-${a.time}-${a.victim_id ?? ''}-${i}`} style={{ borderBottom: '1px solid var(--border)', padding: '0.4rem 0' }}>
                    <div>
                      {a.kind === 'hit' ? (
                        <>
                          <strong>{a.name || a.email}</strong> {ACTIVITY_WORDS[a.type] ?? a.type}
                        </>
                      ) : (
                        <strong>{ACTIVITY_WORDS[a.type] ?? a.type}</strong>
                      )}
                    </div>
                    <div className="muted">
                      <Link to={`/campaigns/${a.campaign_id}`}>{a.campaign_name}</Link> · {formatDate(a.time)}
                    </div>
                  </li>
                ))}
              </ul>
              </>
            )}
          </Section>
          <Section title="People who fail most often">
            {failers.length === 0 ? (
              <p className="muted">Nobody has fallen for an attack yet.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Person</th>
                      <th scope="col" className="num">
                        Fell for
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {failers.map((f) => (
                      <tr key={f.email}>
                        <td style={{ overflowWrap: 'anywhere' }}>
                          {f.name && <div>{f.name}</div>}
                          <div className="muted">{f.email}</div>
                          <div className="muted">last {formatDate(f.last_failed_at)}</div>
                        </td>
                        <td className="num">
                          {f.failures} {f.failures === 1 ? 'attack' : 'attacks'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Section>
          <Section title="Training completion">
            {training.enrollments.total === 0 && training.assignments.total === 0 ? (
              <p className="muted">
                Nobody is enrolled in training yet. <Link to="/training">Go to Training</Link>
              </p>
            ) : (
              <>
                <Meter label="Learning paths passed" value={training.enrollments.passed} total={training.enrollments.total} />
                <p className="muted">
                  {training.enrollments.in_progress} in progress · {training.enrollments.not_started} not started · {training.enrollments.paused} paused
                </p>
                <Meter label="Assignments completed" value={training.assignments.completed} total={training.assignments.total} />
                <p className={training.assignments.overdue ? '' : 'muted'}>
                  {training.assignments.overdue > 0 ? <strong>{training.assignments.overdue} overdue</strong> : 'None overdue'}
                </p>
              </>
            )}
          </Section>
        </div>
        {finished.length > 0 && (
          <Section title="Recently finished">
            {finished.map((c) => (
              <CampaignCard key={c.id} c={c} />
            ))}
          </Section>
        )}
      </div>
    </Page>
  );
}
