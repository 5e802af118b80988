/**
 * Templates: browse the scenario and awareness library (filters, rendered previews in sandboxed
 * frames), and create or edit your own with a variable palette, languages and a preview.
 *   /templates?kind=scenario|awareness&q=&type=&language_id=&builtin=
 *   /templates/:kind/:id          a template with its previews
 *   /templates/:kind/new          create
 *   /templates/:kind/:id/edit     edit (your own templates), with a live preview of the text as typed
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Field, Loading, Page, Pager, Section, SandboxFrame, SelectField, TextAreaField, formatDate } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { useDraftFrameUrl, useFrameUrl, type FrameKind } from '../../preview.ts';
import { Link, navigate, setQuery, useLocation } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';
import { CanWrite, useSession } from '../../session.tsx';
import { escapeHtml, TEMPLATE_VARIABLES, type VariableContext } from '../../../../core/templates/variables.ts';

type Kind = 'scenario' | 'awareness';

interface Language {
  id: number;
  name: string;
  code?: string;
}

interface Template {
  id: number;
  name: string;
  type?: string;
  description: string;
  client_id: number | null;
  category?: string;
  updated_at: string;
  languages: Language[];
  contents?: Record<string, unknown>[];
}

const SCENARIO_TYPES: { value: string; label: string }[] = [
  { value: 'hyperlink', label: 'Link click' },
  { value: 'data', label: 'Data entry (form)' },
  { value: 'file', label: 'File download' },
  { value: 'mixed', label: 'Mixed' },
  { value: 'malware_test', label: 'Malware test' },
  { value: 'usb_attack', label: 'USB attack' },
  { value: 'awareness', label: 'Awareness' },
];

const path = (kind: Kind) => (kind === 'scenario' ? '/api/scenario-templates' : '/api/awareness-templates');
const wrapper = (kind: Kind) => (kind === 'scenario' ? 'scenario_template' : 'awareness_template');

const loadLanguages = () => api.get<{ languages: Language[] }>('/api/languages', { limit: 1000 }).then((r) => r.languages);

export default function Templates({ segments }: AreaProps) {
  const [kindSeg, id, action] = segments;
  const kind: Kind | null = kindSeg === 'scenario' || kindSeg === 'awareness' ? kindSeg : null;
  if (kind && id === 'new') return <Editor kind={kind} id={null} />;
  if (kind && id && action === 'edit') return <Editor kind={kind} id={Number(id)} />;
  if (kind && id) return <TemplateView kind={kind} id={Number(id)} />;
  return <Library />;
}

function Library() {
  const { query } = useLocation();
  const kind: Kind = query.get('kind') === 'awareness' ? 'awareness' : 'scenario';
  const q = query.get('q') ?? '';
  const type = query.get('type') ?? '';
  const languageId = query.get('language_id') ?? '';
  const builtin = query.get('builtin') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const limit = 50;
  const [search, setSearch] = useState(q);
  const languages = useLoad(loadLanguages, []);
  const list = useLoad(
    () =>
      api
        .get<Record<string, Template[]>>(path(kind), { q, type: kind === 'scenario' ? type : '', language_id: languageId, builtin, sort: 'name', offset, limit })
        .then((r) => r[kind === 'scenario' ? 'scenario_templates' : 'awareness_templates']),
    [kind, q, type, languageId, builtin, offset],
  );
  return (
    <Page
      title="Templates"
      actions={
        <CanWrite>
          <Link className="btn btn-primary" to={`/templates/${kind}/new`}>
            New {kind} template
          </Link>
        </CanWrite>
      }
    >
      <nav aria-label="Template kinds">
        <ul className="steps">
          {(['scenario', 'awareness'] as Kind[]).map((k) => (
            <li key={k}>
              <Link to={`/templates?kind=${k}`} className="btn btn-secondary" aria-current={k === kind ? 'page' : undefined}>
                {k === kind ? <strong>{k === 'scenario' ? 'Phishing scenarios' : 'Awareness training'}</strong> : k === 'scenario' ? 'Phishing scenarios' : 'Awareness training'}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search, offset: 0 });
        }}
      >
        <Field label="Search by name" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        {kind === 'scenario' && (
          <SelectField label="Type" value={type} onChange={(e) => setQuery({ type: e.target.value, offset: 0 })}>
            <option value="">Any type</option>
            {SCENARIO_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField label="Language" value={languageId} onChange={(e) => setQuery({ language_id: e.target.value, offset: 0 })}>
          <option value="">Any language</option>
          {(languages.data ?? []).map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Source" value={builtin} onChange={(e) => setQuery({ builtin: e.target.value, offset: 0 })}>
          <option value="">Built-in and your own</option>
          <option value="true">Built-in library</option>
          <option value="false">Your own</option>
        </SelectField>
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
                  <th scope="col">Name</th>
                  {kind === 'scenario' && <th scope="col">Type</th>}
                  <th scope="col">Languages</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {list.data.length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      No template matches.
                    </td>
                  </tr>
                )}
                {list.data.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link to={`/templates/${kind}/${t.id}`}>{t.name}</Link>
                      {t.description && <div className="muted">{t.description.slice(0, 140)}</div>}
                    </td>
                    {kind === 'scenario' && <td>{SCENARIO_TYPES.find((x) => x.value === t.type)?.label ?? t.type}</td>}
                    <td>{t.languages.map((l) => l.name).join(', ')}</td>
                    <td>{t.client_id === null ? 'Built-in' : 'Your own'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={limit} count={list.data.length} onOffset={(o) => setQuery({ offset: o })} />
        </>
      )}
    </Page>
  );
}

function Previews({ kind, id, languageId }: { kind: Kind; id: number; languageId: number | null }) {
  const first: FrameKind = kind === 'scenario' ? 'scenario-email' : 'awareness-email';
  const second: FrameKind = kind === 'scenario' ? 'scenario-landing' : 'awareness-page';
  const emailUrl = useFrameUrl(first, id, languageId ?? undefined);
  const pageUrl = useFrameUrl(second, id, languageId ?? undefined);
  return (
    <div className="grid">
      <Section title="Email">
        <SandboxFrame src={emailUrl} title="Email preview" />
      </Section>
      <Section title={kind === 'scenario' ? 'Landing page' : 'Awareness page'}>
        <SandboxFrame src={pageUrl} title={kind === 'scenario' ? 'Landing page preview' : 'Awareness page preview'} />
      </Section>
    </div>
  );
}

function TemplateView({ kind, id }: { kind: Kind; id: number }) {
  const s = useSession();
  const t = useLoad(() => api.get<Record<string, Template>>(`${path(kind)}/${id}`).then((r) => r[wrapper(kind)]), [kind, id]);
  const [languageId, setLanguageId] = useState<number | null>(null);
  const del = useAction();
  useEffect(() => {
    if (t.data && languageId === null) setLanguageId(t.data.languages[0]?.id ?? null);
  }, [t.data, languageId]);
  if (t.error) return <Page title="Template"><Alert>{t.error}</Alert><Link to="/templates">Back to templates</Link></Page>;
  if (!t.data) return <Page title="Template"><Loading /></Page>;
  const own = t.data.client_id !== null || s.isSuper;
  const remove = async () => {
    if (!window.confirm(`Delete the template "${t.data!.name}"?`)) return;
    if ((await del.run(() => api.del(`${path(kind)}/${id}`))) !== undefined) navigate(`/templates?kind=${kind}`);
  };
  return (
    <Page
      title={t.data.name}
      actions={
        own && (
          <CanWrite>
            <Link className="btn btn-primary" to={`/templates/${kind}/${id}/edit`}>
              Edit
            </Link>
            <Button variant="danger" onClick={remove}>
              Delete
            </Button>
          </CanWrite>
        )
      }
    >
      <p>
        <Link to={`/templates?kind=${kind}`}>All {kind} templates</Link>
      </p>
      <Alert>{del.error}</Alert>
      <dl className="props">
        {t.data.type && (
          <>
            <dt>Type</dt>
            <dd>{SCENARIO_TYPES.find((x) => x.value === t.data!.type)?.label ?? t.data.type}</dd>
          </>
        )}
        <dt>Source</dt>
        <dd>{t.data.client_id === null ? 'Built-in library (read-only; create your own to change it)' : 'Your own'}</dd>
        <dt>Changed</dt>
        <dd>{formatDate(t.data.updated_at)}</dd>
        {t.data.description && (
          <>
            <dt>Description</dt>
            <dd>{t.data.description}</dd>
          </>
        )}
      </dl>
      {t.data.languages.length > 1 && (
        <SelectField label="Preview language" value={languageId ?? ''} onChange={(e) => setLanguageId(Number(e.target.value))}>
          {t.data.languages.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </SelectField>
      )}
      <p className="muted">Previews use sample values for the variables and run no scripts.</p>
      {languageId !== null && <Previews kind={kind} id={id} languageId={languageId} />}
    </Page>
  );
}

/**
 * The text being edited, rendered with the sample values and shown sandboxed from the frames
 * address (kind draft), ~600 ms after the last keystroke. Unsaved text never goes in a srcdoc:
 * that would run under the app's origin and CSP.
 */
function LivePreviews({ kind, content }: { kind: Kind; content: Record<string, unknown> }) {
  const emailHtml = String(content.email_html ?? '');
  const emailText = String(content.email_text ?? '');
  const email = emailHtml.trim() ? emailHtml : emailText.trim() ? `<pre>${escapeHtml(emailText)}</pre>` : null;
  const pageHtml = String(content[kind === 'scenario' ? 'landing_html' : 'page_html'] ?? '');
  const emailFrame = useDraftFrameUrl(email);
  const pageFrame = useDraftFrameUrl(pageHtml.trim() ? pageHtml : null);
  const pageTitle = kind === 'scenario' ? 'Landing page' : 'Awareness page';
  return (
    <div className="grid">
      <Section title="Email">
        <Alert>{emailFrame.error}</Alert>
        <SandboxFrame src={email === null ? null : emailFrame.url} title="Email preview" />
      </Section>
      <Section title={pageTitle}>
        <Alert>{pageFrame.error}</Alert>
        <SandboxFrame src={pageHtml.trim() ? pageFrame.url : null} title={`${pageTitle} preview`} />
      </Section>
    </div>
  );
}

// ---- editor ----------------------------------------------------------------------------------------

type Content = Record<string, unknown>;

const SCENARIO_TEXTS: { key: string; label: string; area?: boolean; context: VariableContext }[] = [
  { key: 'sender_name', label: 'Sender name', context: 'email' },
  { key: 'sender_email', label: 'Sender email', context: 'email' },
  { key: 'subject', label: 'Subject', context: 'email' },
  { key: 'email_html', label: 'Email (HTML)', area: true, context: 'email' },
  { key: 'email_text', label: 'Email (plain text)', area: true, context: 'email' },
  { key: 'landing_html', label: 'Landing page (HTML)', area: true, context: 'landing' },
];
const AWARENESS_TEXTS: { key: string; label: string; area?: boolean; context: VariableContext }[] = [
  { key: 'subject', label: 'Subject', context: 'awareness' },
  { key: 'email_html', label: 'Email (HTML)', area: true, context: 'awareness' },
  { key: 'email_text', label: 'Email (plain text)', area: true, context: 'awareness' },
  { key: 'page_html', label: 'Awareness page (HTML)', area: true, context: 'awareness' },
];

function Editor({ kind, id }: { kind: Kind; id: number | null }) {
  const s = useSession();
  const languages = useLoad(loadLanguages, []);
  const existing = useLoad(
    () => (id ? api.get<Record<string, Template>>(`${path(kind)}/${id}`).then((r) => r[wrapper(kind)]) : Promise.resolve(null)),
    [kind, id],
  );
  const [name, setName] = useState('');
  const [type, setType] = useState('hyperlink');
  const [description, setDescription] = useState('');
  const [contents, setContents] = useState<Content[]>([]);
  const [current, setCurrent] = useState(0);
  const [savedId, setSavedId] = useState<number | null>(id);
  const [notice, setNotice] = useState('');
  const focused = useRef<{ key: string; el: HTMLInputElement | HTMLTextAreaElement } | null>(null);
  const save = useAction();
  const texts = kind === 'scenario' ? SCENARIO_TEXTS : AWARENESS_TEXTS;

  useEffect(() => {
    if (!existing.data) {
      if (!id && languages.data && contents.length === 0) setContents([{ language_id: languages.data[0]?.id ?? 1 }]);
      return;
    }
    const t = existing.data;
    setName(t.name);
    setType(t.type ?? 'hyperlink');
    setDescription(t.description ?? '');
    setContents(
      (t.contents ?? []).map((c) => {
        const out: Content = { language_id: Number(c.language_id) };
        for (const [k, v] of Object.entries(c)) if ((typeof v === 'string' || Array.isArray(v)) && k !== 'created_at' && k !== 'updated_at') out[k] = v;
        return out;
      }),
    );
  }, [existing.data, languages.data]);

  if (existing.error) return <Page title="Edit template"><Alert>{existing.error}</Alert></Page>;
  if (!languages.data || (id && !existing.data)) return <Page title="Edit template"><Loading /></Page>;
  if (!s.canWrite) return <Page title="Edit template"><Alert kind="info">Your role can only view templates.</Alert></Page>;

  const content = contents[current] ?? { language_id: languages.data[0]?.id ?? 1 };
  const setField = (key: string, value: string) => setContents(contents.map((c, i) => (i === current ? { ...c, [key]: value } : c)));
  const used = new Set(contents.map((c) => Number(c.language_id)));
  const context = focused.current ? (texts.find((t) => t.key === focused.current!.key)?.context ?? texts[0].context) : texts[0].context;

  const insert = (variable: string) => {
    const f = focused.current;
    const token = `{{${variable}}}`;
    if (!f) {
      setNotice(`Click into a text field first, then choose ${token}.`);
      return;
    }
    const el = f.el;
    const value = String(content[f.key] ?? '');
    const start = el.selectionStart ?? value.length;
    const end = el.selectionEnd ?? value.length;
    setField(f.key, value.slice(0, start) + token + value.slice(end));
    setNotice(`Inserted ${token}.`);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { name, description, contents };
    if (kind === 'scenario') body.type = type;
    if (!savedId && s.clientId) body.client_id = s.clientId;
    const r = await save.run(() => (savedId ? api.post<Record<string, Template>>(`${path(kind)}/${savedId}`, body) : api.put<Record<string, Template>>(path(kind), body)));
    if (r) {
      const t = r[wrapper(kind)];
      setSavedId(t.id);
      setNotice('Saved.');
      if (!id) navigate(`/templates/${kind}/${t.id}/edit`, { replace: true });
    }
  };

  return (
    <Page title={id ? `Edit ${name || 'template'}` : `New ${kind} template`}>
      <p>
        <Link to={savedId ? `/templates/${kind}/${savedId}` : `/templates?kind=${kind}`}>Back</Link>
      </p>
      <form onSubmit={submit}>
        <Alert>{save.error}</Alert>
        <Section title="Template">
          <div className="grid">
            <Field label="Name" required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
            {kind === 'scenario' && (
              <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value)}>
                {SCENARIO_TYPES.filter((t) => t.value !== 'awareness').map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </SelectField>
            )}
          </div>
          <TextAreaField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
        </Section>
        <Section title="Texts per language">
          <div className="filters">
            <SelectField label="Language being edited" value={current} onChange={(e) => setCurrent(Number(e.target.value))}>
              {contents.map((c, i) => (
                <option key={i} value={i}>
                  {languages.data!.find((l) => l.id === Number(c.language_id))?.name ?? `Language ${String(c.language_id)}`}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Add a language"
              value=""
              onChange={(e) => {
                if (!e.target.value) return;
                setContents([...contents, { language_id: Number(e.target.value) }]);
                setCurrent(contents.length);
              }}
            >
              <option value="">Choose…</option>
              {languages.data
                .filter((l) => !used.has(l.id))
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
            </SelectField>
          </div>
          <fieldset>
            <legend>Variables</legend>
            <p className="hint">Click into a field, then choose a variable to insert it where the cursor is. Each person gets their own value.</p>
            <ul className="actions" aria-label="Template variables" style={{ listStyle: 'none', padding: 0 }}>
              {TEMPLATE_VARIABLES.filter((v) => v.contexts.includes(context)).map((v) => (
                <li key={v.name}>
                  <Button onClick={() => insert(v.name === 'custom.<field name>' ? 'custom.' : v.name)} title={v.description} aria-label={`Insert {{${v.name}}}: ${v.description}`}>
                    {`{{${v.name}}}`}
                  </Button>
                </li>
              ))}
            </ul>
            <p role="status" className="hint">
              {notice}
            </p>
          </fieldset>
          {texts.map((t) =>
            t.area ? (
              <TextAreaField
                key={`${current}-${t.key}`}
                label={t.label}
                rows={t.key.endsWith('html') ? 8 : 4}
                value={String(content[t.key] ?? '')}
                onFocus={(e) => (focused.current = { key: t.key, el: e.currentTarget })}
                onChange={(e) => setField(t.key, e.target.value)}
              />
            ) : (
              <Field
                key={`${current}-${t.key}`}
                label={t.label}
                value={String(content[t.key] ?? '')}
                onFocus={(e) => (focused.current = { key: t.key, el: e.currentTarget })}
                onChange={(e) => setField(t.key, e.target.value)}
              />
            ),
          )}
        </Section>
        <div className="actions">
          <Button type="submit" variant="primary" disabled={save.busy}>
            {savedId ? 'Save' : 'Create'}
          </Button>
        </div>
      </form>
      <Section title="Preview">
        <p className="muted">
          The text as you type it (not saved yet), with sample values for the variables. Scripts do not run.
        </p>
        <LivePreviews kind={kind} content={content} />
      </Section>
    </Page>
  );
}
