/**
 * Training: the catalogue (paths and lessons), enrollments, assignments with due dates and
 * overdue people, and one learner's progress.
 *   /training                        catalogue
 *   /training/enrollments            enrollments (+ enroll a group in a path)
 *   /training/assignments            assignments (+ assign)
 *   /training/assignments/:id        the people of an assignment
 *   /training/learners               learners
 *   /training/learners/:id           a learner's progress
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Field, Loading, Page, Pager, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { Link, setQuery, useLocation } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';
import { CanWrite, useSession } from '../../session.tsx';

interface Path {
  id: number;
  name: string;
  description: string;
  role_name: string;
  builtin: boolean;
  lesson_count: number;
  required_count: number;
}

interface Lesson {
  id: number;
  name: string;
  topic: string;
  summary: string;
  minutes: number;
  builtin: boolean;
}

interface Enrollment {
  id: number;
  learner_id: number;
  email: string;
  first_name: string;
  last_name: string;
  path_id: number;
  path_name: string;
  status: string;
  belt: string;
  required_total: number;
  required_passed: number;
  last_engagement_at: string | null;
  completed_at: string | null;
}

interface Assignment {
  id: number;
  name: string;
  description: string;
  due_date: string;
  path_ids: number[];
  lesson_ids: number[];
  counts: { learners: number; assigned: number; in_progress: number; completed: number; overdue: number };
}

interface Assignee {
  id: number;
  learner_id: number;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
  passed: number;
  total: number;
  completed_at: string | null;
}

interface Learner {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  points: number;
  enrollments?: (Omit<Enrollment, 'email' | 'first_name' | 'last_name' | 'learner_id'> & { total_passed: number; total_lessons: number })[];
  assignments?: { assignment_id: number; name: string; due_date: string; status: string; passed: number; total: number; completed_at: string | null }[];
}

const TABS = [
  { segment: '', label: 'Catalogue' },
  { segment: 'enrollments', label: 'Enrollments' },
  { segment: 'assignments', label: 'Assignments' },
  { segment: 'learners', label: 'Learners' },
];

const STATUS_WORDS: Record<string, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  passed: 'Passed',
  paused: 'Paused',
  assigned: 'Assigned',
  completed: 'Completed',
  overdue: 'Overdue',
};

function TrainingStatus({ status }: { status: string }) {
  const cls = status === 'overdue' ? 'badge-human' : status === 'passed' || status === 'completed' ? 'badge-running' : status === 'paused' ? 'badge-stopped' : 'badge-idle';
  return <span className={`badge ${cls}`}>{STATUS_WORDS[status] ?? status}</span>;
}

const personName = (p: { first_name: string; last_name: string; email: string }) => `${p.first_name} ${p.last_name}`.trim() || p.email;
const loadPaths = () => api.get<{ paths: Path[] }>('/api/paths', { sort: 'name', limit: 1000 }).then((r) => r.paths);
const loadGroups = () => api.get<{ recipient_groups: { id: number; name: string; recipient_count: number }[] }>('/api/recipient-groups', { sort: 'name', limit: 1000 }).then((r) => r.recipient_groups);

export default function Training({ segments }: AreaProps) {
  const [first, second] = segments;
  let body;
  if (first === 'assignments' && second) body = <AssignmentPage id={Number(second)} />;
  else if (first === 'learners' && second) body = <LearnerPage id={Number(second)} />;
  else if (first === 'enrollments') body = <Enrollments />;
  else if (first === 'assignments') body = <Assignments />;
  else if (first === 'learners') body = <Learners />;
  else body = <Catalogue />;
  const current = TABS.find((t) => t.segment === (first ?? '')) ?? TABS[0];
  return (
    <Page title="Training">
      <nav aria-label="Training sections">
        <ul className="steps">
          {TABS.map((t) => (
            <li key={t.segment}>
              <Link to={`/training${t.segment ? `/${t.segment}` : ''}`} className="btn btn-secondary" aria-current={t === current ? 'page' : undefined}>
                {t === current ? <strong>{t.label}</strong> : t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </Page>
  );
}

function Catalogue() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const paths = useLoad(loadPaths, []);
  const lessons = useLoad(() => api.get<{ lessons: Lesson[] }>('/api/lessons', { q, sort: 'name', limit: 1000 }).then((r) => r.lessons), [q]);
  return (
    <>
      <Section title="Learning paths">
        {paths.error && <Alert>{paths.error}</Alert>}
        {!paths.data ? (
          <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Trains for</th>
                  <th scope="col" className="num">
                    Lessons (required)
                  </th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {paths.data.map((p) => (
                  <tr key={p.id}>
                    <td>
                      {p.name}
                      {p.description && <div className="muted">{p.description.slice(0, 160)}</div>}
                    </td>
                    <td>{p.role_name}</td>
                    <td className="num">
                      {p.lesson_count} ({p.required_count})
                    </td>
                    <td>{p.builtin ? 'Built-in' : 'Your own'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Lessons">
        <form
          className="filters"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ q: search });
          }}
        >
          <Field label="Search lessons" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          <div className="field">
            <Button type="submit">Search</Button>
          </div>
        </form>
        {lessons.error && <Alert>{lessons.error}</Alert>}
        {!lessons.data ? (
          <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Lesson</th>
                  <th scope="col">Topic</th>
                  <th scope="col" className="num">
                    Minutes
                  </th>
                </tr>
              </thead>
              <tbody>
                {lessons.data.map((l) => (
                  <tr key={l.id}>
                    <td>
                      {l.name}
                      {l.summary && <div className="muted">{l.summary.slice(0, 160)}</div>}
                    </td>
                    <td>{l.topic}</td>
                    <td className="num">{l.minutes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

function Enrollments() {
  const { query } = useLocation();
  const pathId = query.get('path_id') ?? '';
  const status = query.get('status') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const limit = 50;
  const paths = useLoad(loadPaths, []);
  const list = useLoad(
    () => api.get<{ enrollments: Enrollment[] }>('/api/enrollments', { path_id: pathId, status, offset, limit, sort: '-updated_at' }).then((r) => r.enrollments),
    [pathId, status, offset],
  );
  return (
    <>
      <CanWrite>
        <EnrollForm paths={paths.data ?? []} onDone={list.reload} />
      </CanWrite>
      <Section title="Enrollments">
        <div className="filters">
          <SelectField label="Path" value={pathId} onChange={(e) => setQuery({ path_id: e.target.value, offset: 0 })}>
            <option value="">Every path</option>
            {(paths.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Status" value={status} onChange={(e) => setQuery({ status: e.target.value, offset: 0 })}>
            <option value="">Any status</option>
            {['not_started', 'in_progress', 'passed', 'paused'].map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </SelectField>
        </div>
        {list.error && <Alert>{list.error}</Alert>}
        {!list.data ? (
          <Loading />
        ) : (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Learner</th>
                    <th scope="col">Path</th>
                    <th scope="col">Status</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Level</th>
                    <th scope="col">Last activity</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.length === 0 && (
                    <tr>
                      <td colSpan={6} className="muted">
                        Nobody is enrolled{pathId || status ? ' with these filters' : ' yet'}.
                      </td>
                    </tr>
                  )}
                  {list.data.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Link to={`/training/learners/${e.learner_id}`}>{personName(e)}</Link>
                        <div className="muted">{e.email}</div>
                      </td>
                      <td>{e.path_name}</td>
                      <td>
                        <TrainingStatus status={e.status} />
                      </td>
                      <td>
                        <progress max={Math.max(1, e.required_total)} value={e.required_passed} aria-label={`${e.required_passed} of ${e.required_total} required lessons`} />{' '}
                        {e.required_passed}/{e.required_total}
                      </td>
                      <td>{e.belt}</td>
                      <td>{formatDate(e.last_engagement_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={limit} count={list.data.length} onOffset={(o) => setQuery({ offset: o })} />
          </>
        )}
      </Section>
    </>
  );
}

function EnrollForm({ paths, onDone }: { paths: Path[]; onDone: () => void }) {
  const groups = useLoad(loadGroups, []);
  const [pathId, setPathId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [done, setDone] = useState('');
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    const r = await act.run(() => api.put<{ enrollments: Enrollment[] }>('/api/enrollments', { path_id: Number(pathId), recipient_group_ids: [Number(groupId)] }));
    if (r) {
      setDone(`${r.enrollments.length} people are enrolled in this path.`);
      onDone();
    }
  };
  return (
    <Section title="Enroll people in a path">
      <form onSubmit={submit}>
        <Alert>{act.error}</Alert>
        <div className="filters">
          <SelectField label="Path to enroll in" required value={pathId} onChange={(e) => setPathId(e.target.value)}>
            <option value="">Choose a path…</option>
            {paths.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="People to enroll (recipient group)" required value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">Choose a group…</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.recipient_count})
              </option>
            ))}
          </SelectField>
          <div className="field">
            <Button type="submit" variant="primary" disabled={act.busy || !pathId || !groupId}>
              Enroll
            </Button>
          </div>
        </div>
        <p role="status">{done}</p>
      </form>
    </Section>
  );
}

function Assignments() {
  const list = useLoad(() => api.get<{ assignments: Assignment[] }>('/api/assignments', { sort: 'due_date', limit: 1000 }).then((r) => r.assignments), []);
  return (
    <>
      <CanWrite>
        <AssignForm onDone={list.reload} />
      </CanWrite>
      <Section title="Assignments">
        {list.error && <Alert>{list.error}</Alert>}
        {!list.data ? (
          <Loading />
        ) : list.data.length === 0 ? (
          <p className="muted">No assignments yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Assignment</th>
                  <th scope="col">Due</th>
                  <th scope="col" className="num">
                    People
                  </th>
                  <th scope="col" className="num">
                    Completed
                  </th>
                  <th scope="col" className="num">
                    Overdue
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/training/assignments/${a.id}`}>{a.name}</Link>
                    </td>
                    <td>{formatDate(a.due_date)}</td>
                    <td className="num">{a.counts.learners}</td>
                    <td className="num">{a.counts.completed}</td>
                    <td className="num">{a.counts.overdue > 0 ? <strong>{a.counts.overdue}</strong> : 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

function AssignForm({ onDone }: { onDone: () => void }) {
  const s = useSession();
  const paths = useLoad(loadPaths, []);
  const groups = useLoad(loadGroups, []);
  const [form, setForm] = useState({ name: '', due_date: '', path_id: '', group_id: '' });
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: form.name,
      due_date: form.due_date,
      path_ids: [Number(form.path_id)],
      recipient_group_ids: [Number(form.group_id)],
      ...(s.clientId ? { client_id: s.clientId } : {}),
    };
    if (await act.run(() => api.put('/api/assignments', body))) {
      setForm({ name: '', due_date: '', path_id: '', group_id: '' });
      onDone();
    }
  };
  return (
    <Section title="Assign training">
      <form onSubmit={submit}>
        <Alert>{act.error}</Alert>
        <div className="filters">
          <Field label="Name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <Field label="Due date" type="date" required value={form.due_date} onChange={(e) => setForm({ ...form, due_date: e.target.value })} hint="The end of that day (UTC)." />
          <SelectField label="Path" required value={form.path_id} onChange={(e) => setForm({ ...form, path_id: e.target.value })}>
            <option value="">Choose a path…</option>
            {(paths.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Recipient group" required value={form.group_id} onChange={(e) => setForm({ ...form, group_id: e.target.value })}>
            <option value="">Choose a group…</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.recipient_count})
              </option>
            ))}
          </SelectField>
          <div className="field">
            <Button type="submit" variant="primary" disabled={act.busy}>
              Assign
            </Button>
          </div>
        </div>
      </form>
    </Section>
  );
}

function AssignmentPage({ id }: { id: number }) {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const a = useLoad(() => api.get<{ assignment: Assignment }>(`/api/assignments/${id}`).then((r) => r.assignment), [id]);
  const people = useLoad(() => api.get<{ learners: Assignee[] }>(`/api/assignments/${id}/learners`, { status, limit: 1000 }).then((r) => r.learners), [id, status]);
  if (a.error) return <Alert>{a.error}</Alert>;
  if (!a.data) return <Loading />;
  const c = a.data.counts;
  return (
    <Section title={a.data.name}>
      <p>
        Due {formatDate(a.data.due_date)} · {c.learners} people · {c.completed} completed · {c.in_progress} in progress · {c.assigned} not started ·{' '}
        {c.overdue > 0 ? <strong>{c.overdue} overdue</strong> : '0 overdue'}
      </p>
      <SelectField label="Show" value={status} onChange={(e) => setQuery({ status: e.target.value })}>
        <option value="">Everyone</option>
        {['assigned', 'in_progress', 'completed', 'overdue'].map((s) => (
          <option key={s} value={s}>
            {STATUS_WORDS[s]}
          </option>
        ))}
      </SelectField>
      {people.error && <Alert>{people.error}</Alert>}
      {!people.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Learner</th>
                <th scope="col">Status</th>
                <th scope="col">Lessons passed</th>
                <th scope="col">Completed</th>
              </tr>
            </thead>
            <tbody>
              {people.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/training/learners/${p.learner_id}`}>{personName(p)}</Link>
                    <div className="muted">{p.email}</div>
                  </td>
                  <td>
                    <TrainingStatus status={p.status} />
                  </td>
                  <td>
                    {p.passed}/{p.total}
                  </td>
                  <td>{formatDate(p.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Link to="/training/assignments">All assignments</Link>
    </Section>
  );
}

function Learners() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const limit = 50;
  const [search, setSearch] = useState(q);
  const list = useLoad(() => api.get<{ learners: Learner[] }>('/api/learners', { q, offset, limit, sort: 'email' }).then((r) => r.learners), [q, offset]);
  return (
    <Section title="Learners">
      <p className="muted">Everyone enrolled or assigned becomes a learner (one per email address).</p>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search, offset: 0 });
        }}
      >
        <Field label="Search by email or name" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <div className="field">
          <Button type="submit">Search</Button>
        </div>
      </form>
      {list.error && <Alert>{list.error}</Alert>}
      {!list.data ? (
        <Loading />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Email</th>
                  <th scope="col" className="num">
                    Points
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <Link to={`/training/learners/${l.id}`}>{personName(l)}</Link>
                    </td>
                    <td>{l.email}</td>
                    <td className="num">{l.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={limit} count={list.data.length} onOffset={(o) => setQuery({ offset: o })} />
        </>
      )}
    </Section>
  );
}

function LearnerPage({ id }: { id: number }) {
  const l = useLoad(() => api.get<{ learner: Learner }>(`/api/learners/${id}`).then((r) => r.learner), [id]);
  if (l.error) return <Alert>{l.error}</Alert>;
  if (!l.data) return <Loading />;
  const learner = l.data;
  return (
    <>
      <Section title={personName(learner)}>
        <p>
          {learner.email} · {learner.points} points
        </p>
        <h3>Learning paths</h3>
        {!learner.enrollments?.length ? (
          <p className="muted">Not enrolled in any path.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Status</th>
                  <th scope="col">Required lessons</th>
                  <th scope="col">Level</th>
                  <th scope="col">Completed</th>
                </tr>
              </thead>
              <tbody>
                {learner.enrollments.map((e) => (
                  <tr key={e.id}>
                    <td>{e.path_name}</td>
                    <td>
                      <TrainingStatus status={e.status} />
                    </td>
                    <td>
                      <progress max={Math.max(1, e.required_total)} value={e.required_passed} aria-label={`${e.required_passed} of ${e.required_total}`} /> {e.required_passed}/
                      {e.required_total}
                    </td>
                    <td>{e.belt}</td>
                    <td>{formatDate(e.completed_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>Assignments</h3>
        {!learner.assignments?.length ? (
          <p className="muted">No assignments.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Assignment</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                  <th scope="col">Lessons passed</th>
                </tr>
              </thead>
              <tbody>
                {learner.assignments.map((a) => (
                  <tr key={a.assignment_id}>
                    <td>
                      <Link to={`/training/assignments/${a.assignment_id}`}>{a.name}</Link>
                    </td>
                    <td>{formatDate(a.due_date)}</td>
                    <td>
                      <TrainingStatus status={a.status} />
                    </td>
                    <td>
                      {a.passed}/{a.total}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Link to="/training/learners">All learners</Link>
    </>
  );
}
