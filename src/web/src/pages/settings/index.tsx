/**
 * Settings: users and roles, API keys (shown once, with a copy button), the SMTP relay with a
 * test message, clients, domains, benchmarks, scanner address ranges.
 *   /settings/<tab>
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Checkbox, Field, Loading, Page, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';
import { CanWrite, useSession } from '../../session.tsx';

const TABS: { segment: string; label: string; adminOnly?: boolean; superOnly?: boolean }[] = [
  { segment: 'users', label: 'Users', adminOnly: true },
  { segment: 'api-keys', label: 'API keys', adminOnly: true },
  { segment: 'smtp', label: 'Mail relay' },
  { segment: 'clients', label: 'Clients', superOnly: true },
  { segment: 'domains', label: 'Domains' },
  { segment: 'benchmarks', label: 'Benchmarks' },
  { segment: 'scanner-ranges', label: 'Scanner ranges' },
];

export default function Settings({ segments }: AreaProps) {
  const s = useSession();
  const tabs = TABS.filter((t) => (!t.adminOnly || s.isAdmin) && (!t.superOnly || s.isSuper));
  const current = tabs.find((t) => t.segment === segments[0]) ?? tabs[0];
  const body: Record<string, ReactNode> = {
    users: <Users />,
    'api-keys': <ApiKeys />,
    smtp: <Smtp />,
    clients: <Clients />,
    domains: <Domains />,
    benchmarks: <Benchmarks />,
    'scanner-ranges': <ScannerRanges />,
  };
  return (
    <Page title="Settings">
      <nav aria-label="Settings sections">
        <ul className="steps">
          {tabs.map((t) => (
            <li key={t.segment}>
              <Link to={`/settings/${t.segment}`} className="btn btn-secondary" aria-current={t === current ? 'page' : undefined}>
                {t === current ? <strong>{t.label}</strong> : t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {body[current.segment]}
    </Page>
  );
}

/** Creations need a client; a super admin in "all clients" picks one in the switcher (or none, for a super admin). */
function clientBody(clientId: number | null) {
  return clientId ? { client_id: clientId } : {};
}

// ---- users ---------------------------------------------------------------------------------------

interface User {
  id: number;
  email: string;
  name: string;
  role_group: string;
  client_id: number | null;
  api_only: boolean;
  created_at: string;
}

const ROLES: { value: string; label: string }[] = [
  { value: 'admin', label: 'Admin: everything, including users and keys' },
  { value: 'supervisor', label: 'Supervisor: runs and approves campaigns' },
  { value: 'user', label: 'User: runs campaigns' },
  { value: 'view', label: 'View: reads only' },
];

function Users() {
  const s = useSession();
  const users = useLoad(() => api.get<{ users: User[] }>('/api/users', { sort: 'email', limit: 1000 }).then((r) => r.users), []);
  const [form, setForm] = useState({ email: '', name: '', password: '', role_group: 'user', api_only: false });
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run(() => api.put('/api/users', { ...form, ...clientBody(s.clientId) }));
    if (r) {
      setForm({ email: '', name: '', password: '', role_group: 'user', api_only: false });
      users.reload();
    }
  };
  const remove = async (u: User) => {
    if (!window.confirm(`Delete the user ${u.email}?`)) return;
    if ((await act.run(() => api.del(`/api/users/${u.id}`))) !== undefined) users.reload();
  };
  return (
    <>
      <Section title="Users">
        {users.error && <Alert>{users.error}</Alert>}
        {!users.data ? (
          <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Created</th>
                  <CanWrite>
                    <th scope="col">
                      <span className="muted">Actions</span>
                    </th>
                  </CanWrite>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}</td>
                    <td>{u.name}</td>
                    <td>{u.role_group}</td>
                    <td>{u.client_id === null ? 'Super admin' : u.api_only ? 'API only' : 'Person'}</td>
                    <td>{formatDate(u.created_at)}</td>
                    <CanWrite>
                      <td>
                        {u.id !== s.me.id && (
                          <Button variant="link" onClick={() => remove(u)} aria-label={`Delete user ${u.email}`}>
                            Delete
                          </Button>
                        )}
                      </td>
                    </CanWrite>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {s.isAdmin && (
        <Section title="New user">
          <form onSubmit={create}>
            {s.isSuper && !s.clientId && <Alert kind="info">No client is chosen in the client switcher: this user will be a super admin of every client.</Alert>}
            <Alert>{act.error}</Alert>
            <div className="grid">
              <Field label="Email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
              <Field label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
              <Field
                label="Password"
                type="password"
                autoComplete="new-password"
                required
                minLength={10}
                hint="At least 10 characters. It is stored as a hash and never shown again."
                value={form.password}
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
              <SelectField label="Role" value={form.role_group} onChange={(e) => setForm({ ...form, role_group: e.target.value })}>
                {ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </SelectField>
            </div>
            <Checkbox label="API only (cannot sign in here; uses API keys)" checked={form.api_only} onChange={(e) => setForm({ ...form, api_only: e.target.checked })} />
            <Button type="submit" variant="primary" disabled={act.busy}>
              Create user
            </Button>
          </form>
        </Section>
      )}
    </>
  );
}

// ---- API keys ------------------------------------------------------------------------------------

interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  key?: string;
  user_id: number | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

function ApiKeys() {
  const keys = useLoad(() => api.get<{ api_keys: ApiKey[] }>('/api/api-keys', { sort: '-created_at', limit: 1000 }).then((r) => r.api_keys), []);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<ApiKey | null>(null);
  const [copied, setCopied] = useState('');
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run(() => api.put<{ api_key: ApiKey }>('/api/api-keys', { name }));
    if (r) {
      setFresh(r.api_key);
      setName('');
      setCopied('');
      keys.reload();
    }
  };
  const copy = async () => {
    if (!fresh?.key) return;
    try {
      await navigator.clipboard.writeText(fresh.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying is not allowed here: select the key and copy it yourself.');
    }
  };
  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke the key "${k.name}"? Scripts using it stop working at once.`)) return;
    if ((await act.run(() => api.del(`/api/api-keys/${k.id}`))) !== undefined) keys.reload();
  };
  return (
    <>
      {fresh?.key && (
        <Section title="Your new API key">
          <Alert kind="success">
            This is the only time the key is shown. Copy it now and keep it somewhere safe: Decoy stores only a hash of it.
          </Alert>
          <div className="field">
            <label htmlFor="new-key">Key "{fresh.name}"</label>
            <input id="new-key" readOnly value={fresh.key} onFocus={(e) => e.currentTarget.select()} data-testid="new-api-key" />
          </div>
          <div className="actions">
            <Button variant="primary" onClick={copy}>
              Copy key
            </Button>
            <Button onClick={() => setFresh(null)}>I have saved it</Button>
          </div>
          <p role="status">{copied}</p>
        </Section>
      )}
      <Section title="API keys">
        <p className="muted">Keys work as a Bearer credential on all three APIs (Lucy, PhishLine, Security Journey). They expire after one year.</p>
        {keys.error && <Alert>{keys.error}</Alert>}
        {!keys.data ? (
          <Loading />
        ) : keys.data.length === 0 ? (
          <p className="muted">No API keys.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <CanWrite>
                    <th scope="col">
                      <span className="muted">Actions</span>
                    </th>
                  </CanWrite>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>{formatDate(k.created_at)}</td>
                    <td>{formatDate(k.expires_at)}</td>
                    <td>{formatDate(k.last_used_at)}</td>
                    <td>{k.revoked_at ? `Revoked ${formatDate(k.revoked_at)}` : 'Active'}</td>
                    <CanWrite>
                      <td>
                        {!k.revoked_at && (
                          <Button variant="link" onClick={() => revoke(k)} aria-label={`Revoke key ${k.name}`}>
                            Revoke
                          </Button>
                        )}
                      </td>
                    </CanWrite>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <CanWrite>
          <form onSubmit={create} aria-label="New API key">
            <h3>New API key</h3>
            <Alert>{act.error}</Alert>
            <div className="filters">
              <Field label="Key name" required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} hint="What it is for, e.g. “SIEM export”." />
              <div className="field">
                <Button type="submit" variant="primary" disabled={act.busy || !name.trim()}>
                  Create key
                </Button>
              </div>
            </div>
          </form>
        </CanWrite>
      </Section>
    </>
  );
}

// ---- SMTP relay ----------------------------------------------------------------------------------

interface SmtpSettings {
  mode: 'relay' | 'catcher';
  host: string | null;
  port: number | null;
  secure: boolean;
  username: string | null;
  password_set: boolean;
  pool: number | null;
  rate: number | null;
  insecure_tls: boolean;
}

interface TestResult {
  mode: 'relay' | 'catcher';
  ok: boolean;
  to: string;
  response: string | null;
  error: string | null;
  error_kind: string | null;
}

function Smtp() {
  const s = useSession();
  const smtp = useLoad(() => api.get<{ smtp_settings: SmtpSettings }>('/api/smtp-settings').then((r) => r.smtp_settings), []);
  const [to, setTo] = useState(s.me.email.includes('@localhost') ? '' : s.me.email);
  const [result, setResult] = useState<TestResult | null>(null);
  const act = useAction();
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    const r = await act.run(() => api.post<{ test_message: TestResult }>('/api/smtp-settings/test', { to }));
    if (r) setResult(r.test_message);
  };
  return (
    <Section title="Outgoing mail relay">
      {smtp.error && <Alert>{smtp.error}</Alert>}
      {!smtp.data ? (
        <Loading />
      ) : smtp.data.mode === 'catcher' ? (
        <Alert kind="info">
          No relay is configured: every message stays in the built-in catcher, where you can read it in the <Link to="/outbox">Outbox</Link>. To send real mail, start
          Decoy with <code>DECOY_SMTP_URL=smtp://user:password@host:587</code> (or <code>smtps://</code>).
        </Alert>
      ) : (
        <>
          <p className="muted">
            Set by <code>DECOY_SMTP_URL</code> when Decoy starts; change it there. The password is never shown.
          </p>
          <dl className="props">
            <dt>Host</dt>
            <dd>{smtp.data.host}</dd>
            <dt>Port</dt>
            <dd>{smtp.data.port}</dd>
            <dt>Encryption</dt>
            <dd>{smtp.data.secure ? 'TLS (smtps)' : 'STARTTLS when the relay offers it'}</dd>
            <dt>User</dt>
            <dd>{smtp.data.username ?? '(none)'}</dd>
            <dt>Password</dt>
            <dd>{smtp.data.password_set ? 'set (hidden)' : '(none)'}</dd>
            <dt>Connections</dt>
            <dd>{smtp.data.pool}</dd>
            <dt>Rate limit</dt>
            <dd>{smtp.data.rate ? `${smtp.data.rate} messages per second` : 'none'}</dd>
            {smtp.data.insecure_tls && (
              <>
                <dt>Certificate</dt>
                <dd>not checked (insecure_tls)</dd>
              </>
            )}
          </dl>
        </>
      )}
      {s.isAdmin && (
        <form onSubmit={send} aria-label="Send a test message">
          <h3>Send a test message</h3>
          <Alert>{act.error}</Alert>
          <div className="filters">
            <Field label="Send to" type="email" required value={to} onChange={(e) => setTo(e.target.value)} />
            <div className="field">
              <Button type="submit" variant="primary" disabled={act.busy}>
                {act.busy ? 'Sending…' : 'Send test message'}
              </Button>
            </div>
          </div>
        </form>
      )}
      <div aria-live="polite">
        {result &&
          (result.ok ? (
            <Alert kind="success">
              {result.mode === 'catcher' ? (
                <>
                  The test message to {result.to} is in the <Link to="/outbox">Outbox</Link>.
                </>
              ) : (
                <>
                  The relay accepted the test message to {result.to}. {result.response ? `It answered: ${result.response}` : ''}
                </>
              )}
            </Alert>
          ) : (
            <Alert>
              The test message to {result.to} failed: {result.error}
              {result.error_kind === 'temporary' ? ' (this may be temporary: try again)' : ''}
            </Alert>
          ))}
      </div>
    </Section>
  );
}

// ---- clients -------------------------------------------------------------------------------------

interface Client {
  id: number;
  name: string;
  slug: string;
  timezone: string;
  require_approval: boolean;
}

function Clients() {
  const s = useSession();
  const clients = useLoad(() => api.getEveryClient<{ clients: Client[] }>('/api/clients', { sort: 'name', limit: 1000 }).then((r) => r.clients), []);
  const [form, setForm] = useState({ name: '', timezone: 'UTC', require_approval: false });
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run(() => api.put('/api/clients', form));
    if (r) {
      setForm({ name: '', timezone: 'UTC', require_approval: false });
      clients.reload();
      void s.reloadClients();
    }
  };
  return (
    <Section title="Clients">
      {clients.error && <Alert>{clients.error}</Alert>}
      {!clients.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug (PhishLine instance)</th>
                <th scope="col">Time zone</th>
                <th scope="col">Campaigns need approval</th>
              </tr>
            </thead>
            <tbody>
              {clients.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>
                    <code>{c.slug}</code>
                  </td>
                  <td>{c.timezone}</td>
                  <td>{c.require_approval ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {s.isSuper && s.isAdmin && (
        <form onSubmit={create} aria-label="New client">
          <h3>New client</h3>
          <Alert>{act.error}</Alert>
          <div className="filters">
            <Field label="Name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            <Field label="Time zone" hint="IANA name, e.g. Europe/Zurich" value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />
          </div>
          <Checkbox label="Campaigns wait for a supervisor's approval" checked={form.require_approval} onChange={(e) => setForm({ ...form, require_approval: e.target.checked })} />
          <Button type="submit" variant="primary" disabled={act.busy}>
            Create client
          </Button>
        </form>
      )}
    </Section>
  );
}

// ---- domains, benchmarks, scanner ranges ---------------------------------------------------------

interface Domain {
  id: number;
  name: string;
  client_id: number | null;
  dkim: boolean;
  dkim_selector: string;
}

function Domains() {
  const s = useSession();
  const domains = useLoad(() => api.get<{ domains: Domain[] }>('/api/domains', { sort: 'name', limit: 1000 }).then((r) => r.domains), []);
  const [name, setName] = useState('');
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => api.put('/api/domains', { name, ...clientBody(s.clientId) }))) {
      setName('');
      domains.reload();
    }
  };
  const remove = async (d: Domain) => {
    if (!window.confirm(`Delete the domain ${d.name}?`)) return;
    if ((await act.run(() => api.del(`/api/domains/${d.id}`))) !== undefined) domains.reload();
  };
  return (
    <Section title="Domains">
      <p className="muted">The DNS names phishing links and senders use. DKIM keys are set through the API and never shown again.</p>
      {domains.error && <Alert>{domains.error}</Alert>}
      {!domains.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col">Shared</th>
                <th scope="col">DKIM</th>
                <CanWrite>
                  <th scope="col">
                    <span className="muted">Actions</span>
                  </th>
                </CanWrite>
              </tr>
            </thead>
            <tbody>
              {domains.data.map((d) => (
                <tr key={d.id}>
                  <td>{d.name}</td>
                  <td>{d.client_id === null ? 'Every client' : 'This client'}</td>
                  <td>{d.dkim ? `Signed (selector ${d.dkim_selector})` : 'Not signed'}</td>
                  <CanWrite>
                    <td>
                      {(d.client_id !== null || s.isSuper) && (
                        <Button variant="link" onClick={() => remove(d)} aria-label={`Delete domain ${d.name}`}>
                          Delete
                        </Button>
                      )}
                    </td>
                  </CanWrite>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CanWrite>
        <form onSubmit={create} aria-label="New domain">
          <Alert>{act.error}</Alert>
          <div className="filters">
            <Field label="Domain name" required value={name} onChange={(e) => setName(e.target.value)} />
            <div className="field">
              <Button type="submit" variant="primary" disabled={act.busy || !name.trim()}>
                Add domain
              </Button>
            </div>
          </div>
        </form>
      </CanWrite>
    </Section>
  );
}

function Benchmarks() {
  const s = useSession();
  const list = useLoad(() => api.get<{ benchmarks: { id: number; name: string }[] }>('/api/benchmarks', { sort: 'name', limit: 1000 }).then((r) => r.benchmarks), []);
  const [name, setName] = useState('');
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => api.put('/api/benchmarks', { name }))) {
      setName('');
      list.reload();
    }
  };
  return (
    <Section title="Benchmark sectors">
      <p className="muted">Industry sectors a campaign can be compared with.</p>
      {list.error && <Alert>{list.error}</Alert>}
      {!list.data ? <Loading /> : list.data.length === 0 ? <p className="muted">No benchmark sectors.</p> : (
        <ul>
          {list.data.map((b) => (
            <li key={b.id}>{b.name}</li>
          ))}
        </ul>
      )}
      {s.isSuper && s.canWrite && (
        <form onSubmit={create} aria-label="New benchmark sector">
          <Alert>{act.error}</Alert>
          <div className="filters">
            <Field label="Sector name" required value={name} onChange={(e) => setName(e.target.value)} />
            <div className="field">
              <Button type="submit" variant="primary" disabled={act.busy || !name.trim()}>
                Add sector
              </Button>
            </div>
          </div>
        </form>
      )}
    </Section>
  );
}

interface ScannerRange {
  id: number;
  client_id: number | null;
  cidr: string;
  label: string;
  created_at: string;
}

function ScannerRanges() {
  const s = useSession();
  const list = useLoad(() => api.get<{ scanner_ranges: ScannerRange[] }>('/api/scanner-ranges', { sort: 'cidr', limit: 1000 }).then((r) => r.scanner_ranges), []);
  const [form, setForm] = useState({ cidr: '', label: '' });
  const act = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => api.put('/api/scanner-ranges', form))) {
      setForm({ cidr: '', label: '' });
      list.reload();
    }
  };
  const remove = async (r: ScannerRange) => {
    if (!window.confirm(`Delete the range ${r.cidr}?`)) return;
    if ((await act.run(() => api.del(`/api/scanner-ranges/${r.id}`))) !== undefined) list.reload();
  };
  return (
    <Section title="Link scanner address ranges">
      <p className="muted">Hits from these addresses are recorded as automated, not as a person opening or clicking.</p>
      {list.error && <Alert>{list.error}</Alert>}
      {!list.data ? <Loading /> : list.data.length === 0 ? <p className="muted">No ranges yet.</p> : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Range</th>
                <th scope="col">Label</th>
                <th scope="col">Applies to</th>
                <CanWrite>
                  <th scope="col">
                    <span className="muted">Actions</span>
                  </th>
                </CanWrite>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.id}>
                  <td>
                    <code>{r.cidr}</code>
                  </td>
                  <td>{r.label}</td>
                  <td>{r.client_id === null ? 'Every client' : 'This client'}</td>
                  <CanWrite>
                    <td>
                      {(r.client_id !== null || s.isSuper) && (
                        <Button variant="link" onClick={() => remove(r)} aria-label={`Delete range ${r.cidr}`}>
                          Delete
                        </Button>
                      )}
                    </td>
                  </CanWrite>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CanWrite>
        <form onSubmit={create} aria-label="New scanner range">
          <Alert>{act.error}</Alert>
          <div className="filters">
            <Field label="Address range (CIDR)" required placeholder="192.0.2.0/24" value={form.cidr} onChange={(e) => setForm({ ...form, cidr: e.target.value })} />
            <Field label="Label" placeholder="e.g. Proofpoint" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />
            <div className="field">
              <Button type="submit" variant="primary" disabled={act.busy || !form.cidr.trim()}>
                Add range
              </Button>
            </div>
          </div>
        </form>
      </CanWrite>
    </Section>
  );
}
