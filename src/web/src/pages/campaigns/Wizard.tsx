/**
 * Create or edit a campaign, step by step: basics (client, name, language), scenarios (from the
 * template library, with previews; a campaign may have several), recipients, schedule,
 * awareness, review. Saving creates the campaign and its parts through the Lucy API; nothing is
 * sent until it is started.
 */
import { useEffect, useMemo, useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Checkbox, Field, Loading, Page, SandboxFrame, Section, SelectField } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { useFrameUrl } from '../../preview.ts';
import { navigate } from '../../router.tsx';
import { CanWrite, useSession } from '../../session.tsx';
import type { Campaign, Group, Language, Scenario, ScenarioTemplate, Schedule } from './types.ts';

const STEPS = ['Basics', 'Scenarios', 'Recipients', 'Schedule', 'Awareness', 'Review'] as const;
const TYPES = ['hyperlink', 'data', 'file', 'mixed'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface CampaignAwareness {
  id: number;
  name: string;
  template_id: number;
  language_id: number;
  domain: string;
  scenarios: { scenario_id: number; risk_level: number }[];
}

interface Existing {
  campaign: Campaign;
  scenarios: Scenario[];
  groupIds: number[];
  awareness: CampaignAwareness[];
}

const emptyPick = (keep?: Pick): Pick => ({
  templateId: null,
  templateName: '',
  templateLanguages: [],
  domain: keep?.domain ?? '',
  languageId: null,
  senderName: keep?.senderName ?? '',
  senderEmail: keep?.senderEmail ?? '',
});

let nextKey = 0;

/** The pick joins the campaign's list when it names a template and a domain. */
function commitPick(d: Draft): Draft {
  const p = d.pick;
  if (!p.templateId || !p.domain.trim()) return d;
  const chosen: ChosenScenario = {
    key: `new-${++nextKey}`,
    templateId: p.templateId,
    templateName: p.templateName,
    domain: p.domain.trim(),
    languageId: p.languageId,
    senderName: p.senderName,
    senderEmail: p.senderEmail,
  };
  return { ...d, scenarios: [...d.scenarios, chosen], pick: emptyPick(p) };
}

interface ClientInfo {
  id: number;
  name: string;
  require_approval?: boolean;
}

/** A scenario of the campaign: saved already (`id`) or to be created on save. */
interface ChosenScenario {
  key: string;
  id?: number;
  templateId: number;
  templateName: string;
  domain: string;
  languageId: number | null;
  senderName: string;
  senderEmail: string;
}

/** The template being chosen in the library, not yet in the campaign's list. */
interface Pick {
  templateId: number | null;
  templateName: string;
  templateLanguages: { id: number; name: string }[];
  domain: string;
  languageId: number | null;
  senderName: string;
  senderEmail: string;
}

interface Draft {
  name: string;
  clientId: number | null;
  languageId: number | null;
  stopDate: string;
  scenarios: ChosenScenario[];
  pick: Pick;
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
    scenarios: [],
    pick: emptyPick(),
    groupIds: [],
    schedule: { mode: 'immediate' },
    awarenessTemplateId: null,
  });
  const [existing, setExisting] = useState<Existing | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const save = useAction();

  const languages = useLoad(() => api.get<{ languages: Language[] }>('/api/languages', { limit: 1000 }), []);
  const clients = useLoad(() => (s.isSuper ? api.getEveryClient<{ clients: ClientInfo[] }>('/api/clients', { limit: 1000, sort: 'name' }) : api.get<{ clients: ClientInfo[] }>('/api/clients', { limit: 10 })), [s.isSuper]);

  // Editing: load the campaign, its scenarios, its groups and its awareness.
  const loaded = useLoad(async (): Promise<Existing | null> => {
    if (!id) return null;
    const [c, sc, g, aw] = await Promise.all([
      api.get<{ campaign: Campaign }>(`/api/campaigns/${id}`),
      api.get<{ scenarios: Scenario[] }>(`/api/campaigns/${id}/scenarios`, { limit: 1000 }),
      api.get<{ recipient_groups: Group[] }>(`/api/campaigns/${id}/recipient-groups`, { limit: 1000 }),
      api.get<{ awareness: CampaignAwareness[] }>(`/api/campaigns/${id}/awareness`, { limit: 1000 }),
    ]);
    return { campaign: c.campaign, scenarios: sc.scenarios, groupIds: g.recipient_groups.map((x) => x.id), awareness: aw.awareness };
  }, [id]);
  useEffect(() => {
    const l = loaded.data;
    if (!l) return;
    setExisting(l);
    setDraft((d) => ({
      ...d,
      name: l.campaign.name,
      clientId: l.campaign.client_id,
      languageId: l.campaign.language_id,
      stopDate: toLocalInput(l.campaign.stop_date),
      scenarios: l.scenarios.map((x) => ({
        key: `saved-${x.id}`,
        id: x.id,
        templateId: x.scenario_template_id,
        templateName: x.name,
        domain: x.domain,
        languageId: x.language_id,
        senderName: x.sender_name,
        senderEmail: x.sender_email,
      })),
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
    if (draft.scenarios.length === 0 && !draft.pick.templateId) p.push('Scenarios: choose at least one template.');
    if (draft.pick.templateId && !draft.pick.domain.trim()) p.push('Scenarios: enter the domain of the links of the template being added.');
    if (draft.groupIds.length === 0) p.push('Recipients: choose at least one group.');
    if (draft.schedule.mode === 'window' && (!draft.schedule.end || !draft.schedule.start)) p.push('Schedule: a window needs a start and an end.');
    return p;
  }, [draft]);

  // Leaving the scenarios step adds the template being chosen to the list (when complete).
  function goTo(next: number) {
    if (step === 1 && next !== 1) setDraft(commitPick);
    setStep(next);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (step < STEPS.length - 1) {
      goTo(step + 1);
      return;
    }
    const campaignId = await save.run(() => persist(commitPick(draft), existing));
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
              <button type="button" aria-current={i === step ? 'step' : undefined} onClick={() => goTo(i)}>
                {i + 1}. {label}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {locked && <Alert kind="info">This campaign has started: its scenarios and schedule can no longer change.</Alert>}
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
            <ScenarioStep draft={draft} setDraft={setDraft} languages={languages.data?.languages ?? []} locked={locked} />
          )}
          {step === 2 && <GroupsStep clientId={draft.clientId} selected={draft.groupIds} onChange={(groupIds) => set({ groupIds })} />}
          {step === 3 && <ScheduleStep schedule={draft.schedule} onChange={(schedule) => set({ schedule })} disabled={locked} />}
          {step === 4 && <AwarenessStep value={draft.awarenessTemplateId} onChange={(awarenessTemplateId) => set({ awarenessTemplateId })} />}
          {step === 5 && <Review draft={draft} client={client} problems={problems} />}
        </Section>
        <Alert>{save.error}</Alert>
        <div className="actions">
          {step > 0 && (
            <Button onClick={() => goTo(step - 1)}>Back</Button>
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

async function persist(d: Draft, existing: Existing | null): Promise<number> {
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    client_id: d.clientId,
    language_id: d.languageId,
    stop_date: fromLocalInput(d.stopDate),
    awareness_template_id: d.awarenessTemplateId,
  };
  const idle = !existing || existing.campaign.status === 'idle';
  if (idle) body.schedule = d.schedule;
  let campaignId: number;
  if (existing) {
    campaignId = existing.campaign.id;
    await api.post(`/api/campaigns/${campaignId}`, body);
  } else {
    campaignId = (await api.put<{ campaign: Campaign }>('/api/campaigns', body)).campaign.id;
  }
  const created: number[] = [];
  if (idle) {
    for (const sc of d.scenarios) {
      if (sc.id) continue;
      const scenario = {
        name: sc.templateName || d.name.trim(),
        domain: sc.domain,
        language_id: sc.languageId ?? d.languageId ?? 1,
        scenario_template_id: sc.templateId,
        ...(sc.senderName ? { sender_name: sc.senderName } : {}),
        ...(sc.senderEmail ? { sender_email: sc.senderEmail } : {}),
        ...(d.awarenessTemplateId ? { send_awareness_link: true } : {}),
      };
      created.push((await api.put<{ scenario: Scenario }>(`/api/campaigns/${campaignId}/scenarios`, scenario)).scenario.id);
    }
  }
  const before = new Set(existing?.groupIds ?? []);
  for (const g of d.groupIds) if (!before.has(g)) await api.put(`/api/campaigns/${campaignId}/recipient-groups`, { id: g });
  for (const g of before) if (!d.groupIds.includes(g)) await api.del(`/api/campaigns/${campaignId}/recipient-groups/${g}`);
  // The awareness follows every scenario of the campaign, the new ones included.
  const awareness = existing?.awareness ?? [];
  if (idle && d.awarenessTemplateId && awareness.length === 0) {
    const all = [...d.scenarios.flatMap((x) => (x.id ? [x.id] : [])), ...created];
    if (all.length > 0) {
      await api.put(`/api/campaigns/${campaignId}/awareness`, {
        name: 'Awareness',
        template_id: d.awarenessTemplateId,
        language_id: d.languageId ?? d.scenarios[0]?.languageId ?? 1,
        domain: d.scenarios[0]?.domain ?? '',
        scenarios: all.map((scenario_id) => ({ scenario_id })),
      });
    }
  } else if (created.length > 0) {
    for (const a of awareness) {
      await api.post(`/api/campaigns/${campaignId}/awareness/${a.id}`, {
        name: a.name,
        template_id: a.template_id,
        language_id: a.language_id,
        domain: a.domain,
        scenarios: [...a.scenarios, ...created.map((scenario_id) => ({ scenario_id }))],
      });
    }
  }
  // Removed last: the database drops a removed scenario from the awareness lists itself.
  if (idle && existing) {
    const kept = new Set(d.scenarios.map((x) => x.id));
    for (const sc of existing.scenarios) if (!kept.has(sc.id)) await api.del(`/api/scenarios/${sc.id}`);
  }
  return campaignId;
}

function ScenarioStep({ draft, setDraft, languages, locked }: { draft: Draft; setDraft: Dispatch<SetStateAction<Draft>>; languages: Language[]; locked: boolean }) {
  const [q, setQ] = useState('');
  const [type, setType] = useState('');
  const [languageId, setLanguageId] = useState<number | null>(draft.languageId);
  const [previewKey, setPreviewKey] = useState<string | null>(null);
  const templates = useLoad(
    () => api.get<{ scenario_templates: ScenarioTemplate[] }>('/api/scenario-templates', { q: q.trim(), type, language_id: languageId, limit: 50, sort: 'name' }),
    [q, type, languageId],
  );
  const domains = useLoad(() => api.get<{ domains: { id: number; name: string }[] }>('/api/domains', { limit: 1000, sort: 'name' }), []);
  const pick = draft.pick;
  const setPick = (patch: Partial<Pick>) => setDraft((d) => ({ ...d, pick: { ...d.pick, ...patch } }));
  // The preview shows the template being chosen, or the chosen scenario asked for.
  const shown = draft.scenarios.find((x) => x.key === previewKey);
  const previewTemplate = pick.templateId ?? shown?.templateId ?? null;
  const previewLanguage = pick.templateId ? pick.languageId ?? draft.languageId : shown ? shown.languageId : null;
  const emailUrl = useFrameUrl('scenario-email', previewTemplate, previewLanguage);
  const landingUrl = useFrameUrl('scenario-landing', previewTemplate, previewLanguage);

  function choose(t: ScenarioTemplate) {
    const has = (l: number | null) => l !== null && t.languages.some((x) => x.id === l);
    const lang = has(draft.languageId) ? draft.languageId : has(languageId) ? languageId : (t.languages[0]?.id ?? null);
    setPreviewKey(null);
    setDraft((d) => ({
      ...d,
      languageId: d.languageId ?? lang,
      pick: { ...d.pick, templateId: t.id, templateName: t.name, templateLanguages: t.languages, languageId: lang },
    }));
  }

  function remove(key: string) {
    if (previewKey === key) setPreviewKey(null);
    setDraft((d) => ({ ...d, scenarios: d.scenarios.filter((x) => x.key !== key) }));
    // The focused button is gone: keep the keyboard user at the list.
    document.getElementById('chosen-scenarios')?.focus();
  }

  const chosen = (
    <>
      <h3 id="chosen-scenarios" tabIndex={-1}>Scenarios of this campaign</h3>
      {draft.scenarios.length === 0 ? (
        <p className="muted">None yet: choose a template below.</p>
      ) : (
        <ul className="template-list" aria-labelledby="chosen-scenarios">
          {draft.scenarios.map((x) => (
            <li key={x.key} style={{ flexWrap: 'wrap', alignItems: 'center' }}>
              <span style={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere' }}>
                {x.templateName || `Template #${x.templateId}`}{' '}
                <span className="muted">
                  (links on {x.domain}
                  {x.languageId ? `; ${languages.find((l) => l.id === x.languageId)?.name ?? `language #${x.languageId}`}` : ''}
                  {x.id ? '' : '; added on save'})
                </span>
              </span>
              <Button aria-pressed={previewKey === x.key && !pick.templateId} onClick={() => setPreviewKey(x.key)}>
                Preview<span className="sr-only"> {x.templateName}</span>
              </Button>
              {!locked && (
                <CanWrite>
                  <Button variant="danger" onClick={() => remove(x.key)}>
                    Remove<span className="sr-only"> {x.templateName}</span>
                  </Button>
                </CanWrite>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );

  if (locked)
    return (
      <>
        {chosen}
        <Previews emailUrl={emailUrl} landingUrl={landingUrl} />
      </>
    );

  return (
    <>
      {chosen}
      <h3>Add a scenario</h3>
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
              <li key={t.id} aria-selected={t.id === pick.templateId}>
                <input type="radio" name="template" id={`template-${t.id}`} checked={t.id === pick.templateId} onChange={() => choose(t)} />
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
        required={draft.scenarios.length === 0 || pick.templateId !== null}
        list="known-domains"
        value={pick.domain}
        onChange={(e) => setPick({ domain: e.target.value })}
        hint="The host name the tracking links use, e.g. login.example-corp.com (DECOY_PUBLIC_URL overrides it)."
      />
      <datalist id="known-domains">
        {domains.data?.domains.map((d) => (
          <option key={d.id} value={d.name} />
        ))}
      </datalist>
      {pick.templateLanguages.length > 1 && (
        <SelectField label="Scenario language" value={pick.languageId ?? ''} onChange={(e) => setPick({ languageId: Number(e.target.value) || null })}>
          {pick.templateLanguages.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </SelectField>
      )}
      <div className="grid">
        <Field label="Sender name (optional)" value={pick.senderName} onChange={(e) => setPick({ senderName: e.target.value })} hint="Empty: the template's sender." />
        <Field label="Sender email (optional)" type="email" value={pick.senderEmail} onChange={(e) => setPick({ senderEmail: e.target.value })} />
      </div>
      <div className="actions">
        <Button disabled={!pick.templateId || !pick.domain.trim()} onClick={() => setDraft(commitPick)}>
          Add scenario
        </Button>
        <span className="hint">Moving on to the next step adds the chosen template too.</span>
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
  const scenarios = commitPick(draft).scenarios;
  const rows: [string, ReactNode][] = [
    ['Name', draft.name || '—'],
    ['Client', client?.name ?? '—'],
    [
      'Scenarios',
      scenarios.length === 0 ? (
        '—'
      ) : (
        <ul>
          {scenarios.map((x) => (
            <li key={x.key}>
              {x.templateName || `#${x.templateId}`} (links on {x.domain})
            </li>
          ))}
        </ul>
      ),
    ],
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
