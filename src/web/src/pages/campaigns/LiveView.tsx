/**
 * A campaign as it runs. Each part polls on its own and replaces only its data: the counters
 * (funnel) every 4 s, the current page of victims every 5 s, the chart every 30 s (and only
 * once the table is shown: it reads every victim of the campaign). Victims are paged by the
 * server (50 a page), so the table of a campaign of 100,000 costs what one of 100 does.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Field, Loading, Page, Pager, Section, SortHeader, StatusBadge, formatDate } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { navigate, setQuery, useLocation } from '../../router.tsx';
import { CanWrite, useSession } from '../../session.tsx';
import { TimelineChart, type Point } from './TimelineChart.tsx';
import type { Campaign, TrackingEvent, Victim } from './types.ts';

const LIMIT = 50;
const FUNNEL = [
  ['submitted', 'Sent'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['succeeded', 'Succeeded'],
  ['reported', 'Reported'],
  ['awareness_completed', 'Trained'],
] as const;

export default function LiveView({ id }: { id: number }) {
  const s = useSession();
  const campaign = useLoad(() => api.get<{ campaign: Campaign }>(`/api/campaigns/${id}`).then((r) => r.campaign), [id], 4000);
  const action = useAction();
  const c = campaign.data;
  // The chart reads every victim of the campaign: it loads once the victims table is on screen.
  const [victimsShown, setVictimsShown] = useState(false);
  const shown = useCallback(() => setVictimsShown(true), []);

  const act = (fn: () => Promise<unknown>) =>
    action.run(async () => {
      await fn();
      campaign.reload();
    });
  const status = (to: 'running' | 'stopped' | 'restart') => act(() => api.post(`/api/campaigns/${id}/status`, { status: to }));
  const copy = () =>
    action.run(async () => {
      const r = await api.post<{ campaign: Campaign }>(`/api/campaigns/${id}/copy`);
      navigate(`/campaigns/${r.campaign.id}`);
    });

  if (campaign.error && !c) return <Alert>{campaign.error}</Alert>;
  if (!c) return <Loading />;
  const canApprove = s.me.role_group === 'admin' || s.me.role_group === 'supervisor';
  return (
    <Page
      title={c.name}
      actions={
        <CanWrite>
          {c.status === 'idle' && (
            <Button variant="primary" disabled={action.busy} onClick={() => status('running')}>
              Start
            </Button>
          )}
          {(c.status === 'running' || c.status === 'waiting_approval') && (
            <Button variant="danger" disabled={action.busy} onClick={() => status('stopped')}>
              Stop
            </Button>
          )}
          {c.status === 'stopped' && (
            <Button disabled={action.busy} onClick={() => status('restart')}>
              Restart
            </Button>
          )}
          {c.status === 'waiting_approval' && canApprove && (
            <Button variant="primary" disabled={action.busy} onClick={() => act(() => api.post(`/api/campaigns/${id}/approve`))}>
              Approve
            </Button>
          )}
          {c.status === 'idle' && <Button onClick={() => navigate(`/campaigns/${id}/edit`)}>Edit</Button>}
          <Button disabled={action.busy} onClick={copy}>
            Copy
          </Button>
        </CanWrite>
      }
    >
      <p>
        <StatusBadge status={c.status} /> <span className="muted">Started {formatDate(c.started_at)}{c.stopped_at ? `, stopped ${formatDate(c.stopped_at)}` : ''}</span>
      </p>
      <Alert>{action.error}</Alert>
      {campaign.error && <Alert>{`Could not refresh: ${campaign.error}`}</Alert>}
      <Section title="Funnel">
        <ol className="funnel" aria-live="polite" aria-label="Funnel">
          {FUNNEL.map(([k, label]) => {
            const n = Number(c[k] ?? 0);
            return (
              <li key={k} data-counter={k}>
                <span className="n">{n}</span> {label}
                <span className="pct">{c.recipients ? ` · ${Math.round((n * 100) / c.recipients)}%` : ''}</span>
              </li>
            );
          })}
        </ol>
        <p className="muted">
          {c.recipients} recipients{c.errors ? `, ${c.errors} delivery errors` : ''}.
        </p>
      </Section>
      <Timeline id={id} running={c.status === 'running'} enabled={victimsShown} />
      <Victims id={id} running={c.status === 'running'} onShown={shown} />
      {c.errors > 0 && <Errors id={id} running={c.status === 'running'} />}
    </Page>
  );
}

function Timeline({ id, running, enabled }: { id: number; running: boolean; enabled: boolean }) {
  const t = useLoad(
    () => (enabled ? api.get<{ timeline: { points: Point[] } }>(`/api/campaigns/${id}/timeline`) : Promise.resolve(null)),
    [id, enabled],
    running && enabled ? 30000 : undefined,
  );
  return (
    <Section title="Activity over time">
      <Alert>{t.error}</Alert>
      {t.data ? <TimelineChart points={t.data.timeline.points} /> : <Loading />}
    </Section>
  );
}

const VICTIM_COLUMNS = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['submitted_at', 'Sent'],
  ['opened_at', 'Opened'],
  ['clicked_at', 'Clicked'],
  ['succeeded_at', 'Succeeded'],
  ['reported_at', 'Reported'],
] as const;

/** ?victims=all loads every victim at once: only the benchmark's baseline uses it. */
async function loadAllVictims(id: number): Promise<Victim[]> {
  const all: Victim[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await api.get<{ victims: Victim[] }>(`/api/campaigns/${id}/victims`, { sort: 'id', offset, limit: 1000 });
    all.push(...r.victims);
    if (r.victims.length < 1000) return all;
  }
}

function Victims({ id, running, onShown }: { id: number; running: boolean; onShown: () => void }) {
  const { query } = useLocation();
  const sort = query.get('sort') ?? 'id';
  const offset = Number(query.get('offset')) || 0;
  const q = query.get('q') ?? '';
  const all = query.get('victims') === 'all';
  const [search, setSearch] = useState(q);
  const [selected, setSelected] = useState<number | null>(null);
  // The page of victims, and how many there are (a kept counter: no count over the victims).
  const victims = useLoad(
    async () => {
      if (all) return { rows: await loadAllVictims(id), total: undefined };
      const [page, stats] = await Promise.all([
        api.get<{ victims: Victim[] }>(`/api/campaigns/${id}/victims`, { sort, offset, limit: LIMIT, q }),
        q ? null : api.get<{ victims: number }>(`/api/campaigns/${id}/stats`),
      ]);
      return { rows: page.victims, total: stats?.victims };
    },
    [id, sort, offset, q, all],
    running && !all ? 5000 : undefined,
  );
  const rows = victims.data?.rows;
  useEffect(() => {
    if (rows) onShown();
  }, [rows, onShown]);
  const onSort = (s: string) => setQuery({ sort: s, offset: null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: search.trim(), offset: null });
  };
  const yes = (v: string | null) => (v ? formatDate(v) : '—');
  return (
    <Section title="Victims">
      <form className="filters" role="search" onSubmit={submit}>
        <Field label="Search name or email" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <div className="field">
          <Button type="submit">Search</Button>
        </div>
      </form>
      <Alert>{victims.error}</Alert>
      {!rows ? (
        <Loading />
      ) : (
        <>
          <div className="table-wrap">
            <table aria-describedby="victims-range">
              <thead>
                <tr>
                  {VICTIM_COLUMNS.map(([k, label]) => (
                    <SortHeader key={k} column={k} label={label} sort={sort} onSort={onSort} />
                  ))}
                  <SortHeader column="clicks" label="Clicks" sort={sort} onSort={onSort} />
                  <th scope="col">
                    <span className="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((v) => (
                  <tr key={v.id} className={selected === v.id ? 'selected' : undefined} data-victim={v.id}>
                    <td>{v.name}</td>
                    <td>{v.email}</td>
                    <td>{v.error ? <span className="badge badge-human">error</span> : yes(v.submitted_at)}</td>
                    <td>{yes(v.opened_at)}</td>
                    <td>{yes(v.clicked_at)}</td>
                    <td>{yes(v.succeeded_at)}</td>
                    <td>{yes(v.reported_at)}</td>
                    <td className="num">{v.clicks}</td>
                    <td>
                      <Button variant="link" aria-expanded={selected === v.id} onClick={() => setSelected(selected === v.id ? null : v.id)}>
                        Events<span className="sr-only"> of {v.name || v.email}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div id="victims-range">
            {!all && <Pager offset={offset} limit={LIMIT} count={rows.length} total={victims.data?.total} onOffset={(o) => setQuery({ offset: o || null })} />}
          </div>
          {selected !== null && <VictimEvents key={selected} victim={rows.find((v) => v.id === selected)} id={selected} running={running} />}
        </>
      )}
    </Section>
  );
}

function VictimEvents({ id, victim, running }: { id: number; victim?: Victim; running: boolean }) {
  const events = useLoad(() => api.get<{ events: TrackingEvent[] }>(`/api/victims/${id}/events`, { sort: '-time', limit: 200 }), [id], running ? 5000 : undefined);
  const resend = useAction();
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby={`events-${id}`}>
      <h3 id={`events-${id}`}>Events of {victim ? victim.name || victim.email : `victim ${id}`}</h3>
      {victim && (
        <p className="muted">
          {victim.browser || 'unknown browser'} on {victim.os || 'unknown system'}
          {victim.country ? `, ${victim.country}` : ''}
          {victim.vulnerable ? ' — out of date (vulnerable)' : ''}
        </p>
      )}
      <Alert>{events.error}</Alert>
      {!events.data ? (
        <Loading />
      ) : events.data.events.length === 0 ? (
        <p>No activity yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Verdict</th>
                <th scope="col">Why</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.time)}</td>
                  <td>{e.type}</td>
                  <td>
                    <span className={`badge badge-${e.verdict}`}>{e.verdict === 'human' ? 'a person' : 'automated'}</span>
                  </td>
                  <td>{e.reasons.length ? e.reasons.join('; ') : '—'}</td>
                  <td>
                    {e.ip} {e.browser ? `· ${e.browser}` : ''} {e.os ? `· ${e.os}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {running && (
        <CanWrite>
          <div className="actions">
            <Button
              disabled={resend.busy}
              onClick={() =>
                resend.run(async () => {
                  await api.post(`/api/campaigns/victims/${id}/re-send/attack`);
                  setDone('The message will be sent again now.');
                })
              }
            >
              Re-send the message
            </Button>
          </div>
          <Alert>{resend.error}</Alert>
          <Alert kind="success">{done}</Alert>
        </CanWrite>
      )}
    </section>
  );
}

interface SendError {
  victim_id: number;
  name: string;
  email: string;
  error_text: string;
  error_time: string | null;
  error_type: string;
}

function Errors({ id, running }: { id: number; running: boolean }) {
  const [offset, setOffset] = useState(0);
  const errors = useLoad(() => api.get<{ errors: SendError[] }>(`/api/campaigns/${id}/errors`, { offset, limit: LIMIT, sort: '-error_time' }), [id, offset], running ? 10000 : undefined);
  const resend = useAction();
  return (
    <Section title="Delivery errors">
      <Alert>{errors.error ?? resend.error}</Alert>
      {!errors.data ? (
        <Loading />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Error</th>
                  <th scope="col">When</th>
                  <th scope="col">
                    <span className="sr-only">Re-send</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {errors.data.errors.map((e) => (
                  <tr key={e.victim_id}>
                    <td>{e.name}</td>
                    <td>{e.email}</td>
                    <td>{e.error_text}</td>
                    <td>{formatDate(e.error_time)}</td>
                    <td>
                      {running && (
                        <CanWrite>
                          <Button
                            variant="link"
                            disabled={resend.busy}
                            onClick={() => resend.run(async () => {
                              await api.post(`/api/campaigns/victims/${e.victim_id}/re-send/${e.error_type || 'attack'}`);
                              errors.reload();
                            })}
                          >
                            Re-send<span className="sr-only"> to {e.email}</span>
                          </Button>
                        </CanWrite>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={errors.data.errors.length} onOffset={setOffset} />
        </>
      )}
    </Section>
  );
}
