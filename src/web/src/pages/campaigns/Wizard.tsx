/**
 * Create or edit a campaign, step by step: basics (client, name, language), scenario (from the
 * template library, with previews), recipients, schedule, awareness, review. Saving creates
 * the campaign and its parts through the Lucy API; nothing is sent until it is started.
 */
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Checkbox, Field, Loading, Page, SandboxFrame, Section, SelectField } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { useFrameUrl } from '../../preview.ts';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { Campaign, Group, Language, Scenario, ScenarioTemplate, Schedule } from './types.ts';

const STEPS = ['Basics', 'Scenario', 'Recipients', 'Schedule', 'Awareness', 'Review'] as const;
const TYPES = ['hyperlink', 'data', 'file', 'mixed'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface ClientInfo {
  id: number;
  name: string;
  require_approval?: boolean;
}

interface Draft {
  name: string;
  clientId: number | null;
  languageId: number | null;
  stopDate: string;
  templateId: number | null;
  templateName: string;
  domain: string;
  senderName: string;
  senderEmail: string;
  groupIds: number[];
  schedule: Schedule;
  awarenessTemplateId: number | null;
}

/** `2026-11-23T09:00:00Z` → the value of a datetime-local input, in local time. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string): string | null => (v ? new Date(v).toISOString() : null);

export default function Wizard({ id }: { id?: number }) {
  const s = useSession();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>({
    name: '',
    clientId: s.isSuper ? s.clientId : s.me.client_id,
    languageId: null,
    stopDate: '',
    templateId: null,
    templateName: '',
    domain: '',
    senderName: '',
    senderEmail: '',
    groupIds: [],
    schedule: { mode: 'immediate' },
    awarenessTemplateId: null,
  });
  const [existing, setExisting] = useState<{ campaign: Campaign; scenarios: Scenario[]; groupIds: number[] } | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const save = useAction();

  const languages = useLoad(() => api.get<{ languages: Language[] }>('/api/languages', { limit: 1000 }), []);
  const clients = useLoad(() => (s.isSuper ? api.getEveryClient<{ clients: ClientInfo[] }>('/api/clients', { limit: 1000, sort: 'name' }) : api.get<{ clients: ClientInfo[] }>('/api/clients', { limit: 10 })), [s.isSuper]);

  // Editing: load the campaign, its scenario and its groups.
  const loaded = useLoad(async () => {
    if (!id) return null;
    const [c, sc, g] = await Promise.all([
      api.get<{ campaign: Campaign }>(`/api/campaigns/${id}`),
      api.get<{ scenarios: Scenario[] }>(`/api/campaigns/${id}/scenarios`, { limit: 100 }),
      api.get<{ recipient_groups: Group[] }>(`/api/campaigns/${id}/recipient-groups`, { limit: 1000 }),
    ]);
    return { campaign: c.campaign, scenarios: sc.scenarios, groupIds: g.recipient_groups.map((x) => x.id) };
  }, [id]);
  useEffect(() => {
    const l = loaded.data;
    if (!l) return;
    setExisting(l);
    const first = l.scenarios[0];
    setDraft((d) => ({
      ...d,
      name: l.campaign.name,
      clientId: l.campaign.client_id,
      languageId: l.campaign.language_id,
      stopDate: toLocalInput(l.campaign.stop_date),
      templateId: first?.scenario_template_id ?? null,
      domain: first?.domain ?? '',
      senderName: first?.sender_name ?? '',
      senderEmail: first?.sender_email ?? '',
      groupIds: l.groupIds,
      schedule: l.campaign.schedule?.mode ? l.campaign.schedule : { mode: 'immediate' },
      awarenessTemplateId: l.campaign.awareness_template_id,
    }));
  }, [loaded.data]);

  const client = clients.data?.clients.find((c) => c.id === draft.clientId);
  const locked = existing !== null && existing.campaign.status !== 'idle';

  const problems = useMemo(() => {
    const p: string[] = [];
    if (!draft.name.trim()) p.push('Basics: give the campaign a name.');
    if (!draft.clientId) p.push('Basics: choose the client.');
    if (!draft.templateId && !existing?.scenarios.length) p.push('Scenario: choose a template.');
    if (draft.templateId && !existing?.scenarios.length && !draft.domain.trim()) p.push('Scenario: enter the domain of the links.');
    if (draft.groupIds.length === 0) p.push('Recipients: choose at least one group.');
    if (draft.schedule.mode === 'window' && (!draft.schedule.end || !draft.schedule.start)) p.push('Schedule: a window needs a start and an end.');
    return p;
  }, [draft, existing]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (step < STEPS.length - 1) {
      setStep(step + 1);
      return;
    }
    const campaignId = await save.run(() => persist(draft, existing));
    if (campaignId) navigate(`/campaigns/${campaignId}`);
  }

  if (id && loaded.error) return <Alert>{loaded.error}</Alert>;
  if (id && !existing) return <Loading />;

  return (
    <Page title={id ? `Edit campaign` : 'New campaign'}>
      <nav aria-label="Steps">
        <ol className="steps">
          {STEPS.map((label, i) => (
            <li key={label}>
              <button type="button" aria-current={i === step ? 'step' : undefined} onClick={() => setStep(i)}>
                {i + 1}. {label}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {locked && <Alert kind="info">This campaign has started: its scenario and schedule can no longer change.</Alert>}
      <form onSubmit={submit} aria-labelledby="step-title">
        <Section title={<span id="step-title">{STEPS[step]}</span>}>
          {step === 0 && (
            <>
              <Field label="Campaign name" required maxLength={255} value={draft.name} onChange={(e) => set({ name: e.target.value })} />
              {s.isSuper ? (
                <SelectField label="Client" required value={draft.clientId ?? ''} disabled={existing !== null} onChange={(e) => set({ clientId: Number(e.target.value) || null, groupIds: [] })}>
                  <option value="">Choose a client…</option>
                  {clients.data?.clients.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </SelectField>
              ) : (
                <p>
                  Client: <strong>{client?.name ?? '…'}</strong>
                </p>
              )}
              <SelectField label="Language" value={draft.languageId ?? ''} onChange={(e) => set({ languageId: Number(e.target.value) || null })} hint="The language of the messages; templates are filtered by it.">
                <option value="">Any</option>
                {languages.data?.languages.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </SelectField>
              <Field label="Stop automatically at (optional)" type="datetime-local" value={draft.stopDate} onChange={(e) => set({ stopDate: e.target.value })} />
              {client?.require_approval && <Alert kind="info">This client requires approval: when started, the campaign waits until a supervisor approves it.</Alert>}
            </>
          )}
          {step === 1 && (
            <ScenarioStep draft={draft} set={set} languages={languages.data?.languages ?? []} existing={existing?.scenarios ?? []} locked={locked} />
          )}
          {step === 2 && <GroupsStep clientId={draft.clientId} selected={draft.groupIds} onChange={(groupIds) => set({ groupIds })} />}
          {step === 3 && <ScheduleStep schedule={draft.schedule} onChange={(schedule) => set({ schedule })} disabled={locked} />}
          {step === 4 && <AwarenessStep value={draft.awarenessTemplateId} onChange={(awarenessTemplateId) => set({ awarenessTemplateId })} />}
          {step === 5 && <Review draft={draft} client={client} problems={problems} />}
        </Section>
        <Alert>{save.error}</Alert>
        <div className="actions">
          {step > 0 && (
            <Button onClick={() => setStep(step - 1)}>Back</Button>
          )}
          {step < STEPS.length - 1 ? (
            <Button type="submit" variant="primary">
              Next
            </Button>
          ) : (
            <Button type="submit" variant="primary" disabled={save.busy || problems.length > 0}>
              {save.busy ? 'Saving…' : id ? 'Save campaign' : 'Create campaign'}
            </Button>
          )}
          <Button variant="link" onClick={() => navigate(id ? `/campaigns/${id}` : '/campaigns')}>
            Cancel
          </Button>
        </div>
      </form>
    </Page>
  );
}

async function persist(d: Draft, existing: { campaign: Campaign; scenarios: Scenario[]; groupIds: number[] } | null): Promise<number> {
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    client_id: d.clientId,
    language_id: d.languageId,
    stop_date: fromLocalInput(d.stopDate),
    awareness_template_id: d.awarenessTemplateId,
  };
  if (!existing || existing.campaign.status === 'idle') body.schedule = d.schedule;
  let campaignId: number;
  if (existing) {
    campaignId = existing.campaign.id;
    await api.post(`/api/campaigns/${campaignId}`, body);
  } else {
    campaignId = (await api.put<{ campaign: Campaign }>('/api/campaigns', body)).campaign.id;
  }
  let scenarioId = existing?.scenarios[0]?.id;
  if (!scenarioId && d.templateId) {
    const scenario = {
      name: d.templateName || d.name.trim(),
      domain: d.domain.trim(),
      language_id: d.languageId ?? 1,
      scenario_template_id: d.templateId,
      ...(d.senderName ? { sender_name: d.senderName } : {}),
      ...(d.senderEmail ? { sender_email: d.senderEmail } : {}),
      ...(d.awarenessTemplateId ? { send_awareness_link: true } : {}),
    };
    scenarioId = (await api.put<{ scenario: Scenario }>(`/api/campaigns/${campaignId}/scenarios`, scenario)).scenario.id;
  }
  const before = new Set(existing?.groupIds ?? []);
  for (const g of d.groupIds) if (!before.has(g)) await api.put(`/api/campaigns/${campaignId}/recipient-groups`, { id: g });
  for (const g of before) if (!d.groupIds.includes(g)) await api.del(`/api/campaigns/${campaignId}/recipient-groups/${g}`);
  if (d.awarenessTemplateId && scenarioId && !existing) {
    await api.put(`/api/campaigns/${campaignId}/awareness`, {
      name: 'Awareness',
      template_id: d.awarenessTemplateId,
      language_id: d.languageId ?? 1,
      domain: d.domain.trim(),
      scenarios: [{ scenario_id: scenarioId }],
    });
  }
  return campaignId;
}

function ScenarioStep({ draft, set, languages, existing, locked }: { draft: Draft; set: (p: Partial<Draft>) => void; languages: Language[]; existing: Scenario[]; locked: boolean }) {
  const [q, setQ] = useState('');
  const [type, setType] = useState('');
  const [languageId, setLanguageId] = useState<number | null>(draft.languageId);
  const templates = useLoad(
    () => api.get<{ scenario_templates: ScenarioTemplate[] }>('/api/scenario-templates', { q: q.trim(), type, language_id: languageId, limit: 50, sort: 'name' }),
    [q, type, languageId],
  );
  const domains = useLoad(() => api.get<{ domains: { id: number; name: string }[] }>('/api/domains', { limit: 1000, sort: 'name' }), []);
  const previewLanguage = draft.languageId ?? languageId ?? templates.data?.scenario_templates.find((t) => t.id === draft.templateId)?.languages[0]?.id ?? null;
  const emailUrl = useFrameUrl('scenario-email', draft.templateId, previewLanguage);
  const landingUrl = useFrameUrl('scenario-landing', draft.templateId, previewLanguage);

  if (existing.length > 0)
    return (
      <>
        <p>
          Scenario: <strong>{existing[0].name}</strong> (links on {existing[0].domain}).
        </p>
        {!locked && <p className="muted">To change the scenario, remove it from the campaign through the API and choose again.</p>}
        <Previews emailUrl={emailUrl} landingUrl={landingUrl} />
      </>
    );

  return (
    <>
      <div className="filters" role="search" aria-label="Template library">
        <Field label="Search templates" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">Any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </SelectField>
        <SelectField label="Template language" value={languageId ?? ''} onChange={(e) => setLanguageId(Number(e.target.value) || null)}>
          <option value="">Any</option>
          {languages.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </SelectField>
      </div>
      <Alert>{templates.error}</Alert>
      <fieldset>
        <legend>Template</legend>
        {!templates.data ? (
          <Loading />
        ) : templates.data.scenario_templates.length === 0 ? (
          <p className="muted">No template matches.</p>
        ) : (
          <ul className="template-list">
            {templates.data.scenario_templates.map((t) => (
              <li key={t.id} aria-selected={t.id === draft.templateId}>
                <input
                  type="radio"
                  name="template"
                  id={`template-${t.id}`}
                  checked={t.id === draft.templateId}
                  onChange={() => set({ templateId: t.id, templateName: t.name, languageId: draft.languageId ?? t.languages[0]?.id ?? null })}
                />
                <label htmlFor={`template-${t.id}`}>
                  {t.name} <span className="muted">({t.type}{t.client_id === null ? ', built-in' : ''}; {t.languages.map((l) => l.name).join(', ')})</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <Field
        label="Domain of the links"
        required
        list="known-domains"
        value={draft.domain}
        onChange={(e) => set({ domain: e.target.value })}
        hint="The host name the tracking links use, e.g. login.example-corp.com (DECOY_PUBLIC_URL overrides it)."
      />
      <datalist id="known-domains">
        {domains.data?.domains.map((d) => (
          <option key={d.id} value={d.name} />
        ))}
      </datalist>
      <div className="grid">
        <Field label="Sender name (optional)" value={draft.senderName} onChange={(e) => set({ senderName: e.target.value })} hint="Empty: the template's sender." />
        <Field label="Sender email (optional)" type="email" value={draft.senderEmail} onChange={(e) => set({ senderEmail: e.target.value })} />
      </div>
      <Previews emailUrl={emailUrl} landingUrl={landingUrl} />
    </>
  );
}

function Previews({ emailUrl, landingUrl }: { emailUrl: string | null; landingUrl: string | null }) {
  if (!emailUrl && !landingUrl) return null;
  return (
    <div className="grid">
      <div>
        <h3>Email preview</h3>
        <SandboxFrame src={emailUrl} title="Email preview" />
      </div>
      <div>
        <h3>Landing page preview</h3>
        <SandboxFrame src={landingUrl} title="Landing page preview" />
      </div>
    </div>
  );
}

function GroupsStep({ clientId, selected, onChange }: { clientId: number | null; selected: number[]; onChange: (ids: number[]) => void }) {
  const groups = useLoad(async () => {
    const r = await api.get<{ recipient_groups: (Group & { client_id?: number })[] }>('/api/recipient-groups', { limit: 1000, sort: 'name' });
    return r.recipient_groups.filter((g) => !clientId || g.client_id === undefined || g.client_id === clientId);
  }, [clientId]);
  if (groups.error) return <Alert>{groups.error}</Alert>;
  if (!groups.data) return <Loading />;
  if (groups.data.length === 0) return <p>There are no recipient groups yet. Create one on the People page first.</p>;
  return (
    <fieldset>
      <legend>Recipient groups</legend>
      {groups.data.map((g) => (
        <Checkbox
          key={g.id}
          label={g.name}
          checked={selected.includes(g.id)}
          onChange={(e) => onChange(e.target.checked ? [...selected, g.id] : selected.filter((x) => x !== g.id))}
        />
      ))}
      <p className="hint">A person in several groups gets one message.</p>
    </fieldset>
  );
}

function ScheduleStep({ schedule, onChange, disabled }: { schedule: Schedule; onChange: (s: Schedule) => void; disabled: boolean }) {
  const window = schedule.mode === 'window';
  const days = schedule.business_days ?? [1, 2, 3, 4, 5];
  return (
    <fieldset disabled={disabled}>
      <legend>When messages go out</legend>
      <div className="check">
        <input type="radio" id="mode-immediate" name="mode" checked={!window} onChange={() => onChange({ mode: 'immediate' })} />
        <label htmlFor="mode-immediate">As soon as the campaign starts</label>
      </div>
      <div className="check">
        <input
          type="radio"
          id="mode-window"
          name="mode"
          checked={window}
          onChange={() => onChange({ mode: 'window', business_hours_start: '09:00', business_hours_end: '17:00', business_days: [1, 2, 3, 4, 5] })}
        />
        <label htmlFor="mode-window">Spread at random over a window, within business hours</label>
      </div>
      {window && (
        <>
          <div className="grid">
            <Field label="Window start" type="datetime-local" required value={toLocalInput(schedule.start)} onChange={(e) => onChange({ ...schedule, start: fromLocalInput(e.target.value) })} />
            <Field label="Window end" type="datetime-local" required value={toLocalInput(schedule.end)} onChange={(e) => onChange({ ...schedule, end: fromLocalInput(e.target.value) })} />
            <Field label="Business hours from" type="time" value={schedule.business_hours_start ?? '09:00'} onChange={(e) => onChange({ ...schedule, business_hours_start: e.target.value })} />
            <Field label="Business hours to" type="time" value={schedule.business_hours_end ?? '17:00'} onChange={(e) => onChange({ ...schedule, business_hours_end: e.target.value })} />
          </div>
          <fieldset>
            <legend>Business days</legend>
            {DAYS.map((d, i) => (
              <Checkbox
                key={d}
                label={d}
                checked={days.includes(i + 1)}
                onChange={(e) => onChange({ ...schedule, business_days: e.target.checked ? [...days, i + 1].sort() : days.filter((x) => x !== i + 1) })}
              />
            ))}
          </fieldset>
          <p className="hint">Times are in the client's time zone.</p>
        </>
      )}
    </fieldset>
  );
}

function AwarenessStep({ value, onChange }: { value: number | null; onChange: (id: number | null) => void }) {
  const templates = useLoad(() => api.get<{ awareness_templates: { id: number; name: string }[] }>('/api/awareness-templates', { limit: 200, sort: 'name' }), []);
  return (
    <>
      <SelectField
        label="Awareness training after a click (optional)"
        value={value ?? ''}
        onChange={(e) => onChange(Number(e.target.value) || null)}
        hint="People who fall for the scenario are sent to this training."
      >
        <option value="">None</option>
        {templates.data?.awareness_templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </SelectField>
      <Alert>{templates.error}</Alert>
    </>
  );
}

function Review({ draft, client, problems }: { draft: Draft; client?: ClientInfo; problems: string[] }) {
  const rows: [string, ReactNode][] = [
    ['Name', draft.name || '—'],
    ['Client', client?.name ?? '—'],
    ['Template', draft.templateName || (draft.templateId ? `#${draft.templateId}` : '—')],
    ['Domain', draft.domain || '—'],
    ['Recipient groups', String(draft.groupIds.length)],
    ['Schedule', draft.schedule.mode === 'window' ? `spread from ${draft.schedule.start ?? '?'} to ${draft.schedule.end ?? '?'}` : 'as soon as started'],
    ['Approval', client?.require_approval ? 'needed before sending' : 'not needed'],
  ];
  return (
    <>
      <dl className="props">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {problems.length > 0 && (
        <Alert>
          <p>Before saving:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Alert>
      )}
      <p className="muted">Saving does not send anything: start the campaign from its page.</p>
    </>
  );
}
