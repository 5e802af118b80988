/**
 * CSV import into a recipient group: pick a file (or paste), map its columns, preview, check
 * every row on the server (POST .../recipients/check, nothing written), then import.
 *
 * Bad rows: the good rows are imported and the bad ones are not; every bad row is listed with
 * its line in the file and the reason, before anything is written and again afterwards, so
 * the user can fix those lines and import the file again (rows already imported are then
 * reported as "already in this recipient group" and skipped).
 */
import { useMemo, useState, type ChangeEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Loading, Page, Section, SelectField, TextAreaField } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { CanWrite, useSession } from '../../session.tsx';
import { parseCsv, type Csv } from './csv.ts';
import { loadCustomFields, type Group } from './shared.ts';

const TARGETS: { value: string; label: string; aliases: string[] }[] = [
  { value: 'email', label: 'Email', aliases: ['email', 'e-mail', 'mail', 'email address', 'emailaddress'] },
  { value: 'name', label: 'Name', aliases: ['name', 'full name', 'fullname', 'display name', 'displayname'] },
  { value: 'firstname', label: 'First name', aliases: ['firstname', 'first name', 'given name', 'givenname', 'first'] },
  { value: 'lastname', label: 'Last name', aliases: ['lastname', 'last name', 'surname', 'family name', 'last'] },
  { value: 'phone', label: 'Phone', aliases: ['phone', 'mobile', 'telephone', 'phone number'] },
  { value: 'division', label: 'Division', aliases: ['division', 'department', 'dept'] },
  { value: 'location', label: 'Location', aliases: ['location', 'office', 'city', 'site'] },
  { value: 'staff_type', label: 'Staff type', aliases: ['staff type', 'staff_type', 'role', 'job title', 'title'] },
  { value: 'gender', label: 'Gender', aliases: ['gender'] },
  { value: 'external_id', label: 'External id', aliases: ['external id', 'external_id', 'employee id', 'id'] },
  { value: 'comment', label: 'Comment', aliases: ['comment', 'notes', 'note'] },
];

interface Problem {
  row: number;
  field: string | null;
  message: string;
}

interface Check {
  rows: number;
  valid: number;
  invalid: number;
  problems: Problem[];
}

const CHUNK = 10_000;

export default function ImportPage({ groupId }: { groupId: number }) {
  const s = useSession();
  const group = useLoad(() => api.get<{ recipient_group: Group }>(`/api/recipient-groups/${groupId}`).then((r) => r.recipient_group), [groupId]);
  const fields = useLoad(loadCustomFields, []);
  const [csv, setCsv] = useState<Csv | null>(null);
  const [fileName, setFileName] = useState('');
  const [pasted, setPasted] = useState('');
  const [mapping, setMapping] = useState<string[]>([]);
  const [check, setCheck] = useState<Check | null>(null);
  const [result, setResult] = useState<{ imported: number; skipped: Problem[] } | null>(null);
  const act = useAction();

  const load = (text: string, name: string) => {
    const parsed = parseCsv(text);
    setCsv(parsed);
    setFileName(name);
    setCheck(null);
    setResult(null);
    const custom = fields.data ?? [];
    setMapping(
      parsed.header.map((h) => {
        const k = h.toLowerCase().trim();
        const t = TARGETS.find((x) => x.aliases.includes(k));
        if (t) return t.value;
        const c = custom.findIndex((f) => f.name.toLowerCase() === k);
        return c >= 0 ? `custom:${c}` : '';
      }),
    );
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    load(await f.text(), f.name);
  };

  const recipients = useMemo(() => {
    if (!csv) return [];
    const customCount = fields.data?.length ?? 0;
    return csv.rows.map((row) => {
      const r: Record<string, unknown> = {};
      const custom: string[] = Array.from({ length: customCount }, () => '');
      let hasCustom = false;
      mapping.forEach((target, i) => {
        const v = (row.cells[i] ?? '').trim();
        if (!target || v === '') return;
        if (target.startsWith('custom:')) {
          custom[Number(target.slice(7))] = v;
          hasCustom = true;
        } else r[target] = v;
      });
      if (!r.name && (r.firstname || r.lastname)) r.name = `${r.firstname ?? ''} ${r.lastname ?? ''}`.trim();
      if (hasCustom) r.custom_fields = custom;
      return r;
    });
  }, [csv, mapping, fields.data]);

  const mapped = new Set(mapping.filter(Boolean));
  const missing = [!mapped.has('email') && 'Email', !mapped.has('name') && !mapped.has('firstname') && !mapped.has('lastname') && 'Name'].filter(Boolean) as string[];
  const lineOf = (row: number) => csv?.rows[row]?.line ?? row + 2;
  const bad = new Set(check?.problems.map((p) => p.row) ?? []);

  const runCheck = async () => {
    setResult(null);
    const r = await act.run(() => api.post<{ import_check: Check }>(`/api/recipient-groups/${groupId}/recipients/check`, { recipients }));
    if (r) setCheck(r.import_check);
  };

  const runImport = async () => {
    if (!check) return;
    const good = recipients.filter((_, i) => !bad.has(i));
    let imported = 0;
    const r = await act.run(async () => {
      for (let i = 0; i < good.length; i += CHUNK) {
        await api.put(`/api/recipient-groups/${groupId}/recipients`, good.slice(i, i + CHUNK));
        imported += Math.min(CHUNK, good.length - i);
      }
      return true;
    });
    setResult({ imported, skipped: check.problems });
    if (r) {
      setCheck(null);
      group.reload();
    }
  };

  if (group.error) return <Page title="Import people"><Alert>{group.error}</Alert></Page>;
  if (!group.data) return <Page title="Import people"><Loading /></Page>;
  const g = group.data;
  const targetOptions = [
    ...TARGETS.map((t) => ({ value: t.value, label: t.label })),
    ...(fields.data ?? []).map((f, i) => ({ value: `custom:${i}`, label: `Custom: ${f.name}` })),
  ];

  return (
    <Page title={`Import people into ${g.name}`}>
      <p>
        <Link to={`/people/groups/${g.id}`}>Back to {g.name}</Link>
      </p>
      {!s.canWrite ? (
        <Alert kind="info">Your role can only view people.</Alert>
      ) : (
        <CanWrite>
          <Section title="1. Choose a CSV file">
            <p className="muted">
              The first line must name the columns. Comma, semicolon and tab separated files work. Every row needs an email address and a name (or a first
              and last name).
            </p>
            <div className="field">
              <label htmlFor="csv-file">CSV file</label>
              <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" onChange={onFile} />
            </div>
            <TextAreaField label="…or paste the CSV here" value={pasted} onChange={(e) => setPasted(e.target.value)} rows={4} />
            <Button onClick={() => load(pasted, 'pasted text')} disabled={!pasted.trim()}>
              Use pasted text
            </Button>
          </Section>

          {csv && (
            <Section title="2. Match the columns">
              <p className="muted">
                {fileName}: {csv.rows.length} rows, {csv.header.length} columns.
              </p>
              <div className="grid">
                {csv.header.map((h, i) => (
                  <SelectField
                    key={`${h}-${i}`}
                    label={`Column "${h}"`}
                    value={mapping[i] ?? ''}
                    onChange={(e) => {
                      setMapping(mapping.map((m, j) => (j === i ? e.target.value : m)));
                      setCheck(null);
                    }}
                  >
                    <option value="">Do not import</option>
                    {targetOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </SelectField>
                ))}
              </div>
              {missing.length > 0 && <Alert>Match a column to: {missing.join(', ')}.</Alert>}
            </Section>
          )}

          {csv && missing.length === 0 && (
            <Section title="3. Preview and check">
              <div className="table-wrap">
                <table>
                  <caption className="muted">The first {Math.min(10, recipients.length)} rows as they will be imported</caption>
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Email</th>
                      <th scope="col">Name</th>
                      <th scope="col">Other fields</th>
                    </tr>
                  </thead>
                  <tbody>
                    {recipients.slice(0, 10).map((r, i) => (
                      <tr key={i} className={bad.has(i) ? 'selected' : undefined}>
                        <td>{lineOf(i)}</td>
                        <td>{String(r.email ?? '')}</td>
                        <td>{String(r.name ?? '')}</td>
                        <td>
                          {Object.entries(r)
                            .filter(([k]) => k !== 'email' && k !== 'name' && k !== 'custom_fields')
                            .map(([k, v]) => `${k}: ${String(v)}`)
                            .join(', ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p>
                Rows with a problem are <strong>not imported</strong>; all the other rows are. You will see every problem, with its line in the file,
                before anything is saved.
              </p>
              <Alert>{act.error}</Alert>
              <div className="actions">
                <Button variant={check ? 'secondary' : 'primary'} onClick={runCheck} disabled={act.busy || recipients.length === 0}>
                  Check {recipients.length} rows
                </Button>
              </div>
            </Section>
          )}

          {check && (
            <Section title="4. Import">
              <div aria-live="polite">
                {check.invalid === 0 ? (
                  <Alert kind="success">All {check.valid} rows are fine.</Alert>
                ) : (
                  <Alert kind="error">
                    {check.invalid} of {check.rows} rows {check.invalid === 1 ? 'has' : 'have'} a problem and will not be imported. {check.valid} {check.valid === 1 ? 'row' : 'rows'} will be imported.
                  </Alert>
                )}
                {check.problems.length > 0 && <ProblemTable problems={check.problems} lineOf={lineOf} rows={recipients} />}
              </div>
              <Button variant="primary" onClick={runImport} disabled={act.busy || check.valid === 0}>
                {check.invalid ? `Import ${check.valid} rows, skip ${check.invalid}` : `Import ${check.valid} rows`}
              </Button>
            </Section>
          )}

          {result && (
            <Section title="Result">
              <div aria-live="polite">
                <Alert kind={result.imported ? 'success' : 'error'}>
                  Imported {result.imported} {result.imported === 1 ? 'person' : 'people'} into {g.name}.
                  {result.skipped.length
                    ? ` ${result.skipped.length} ${result.skipped.length === 1 ? 'row was' : 'rows were'} not imported: fix ${result.skipped.length === 1 ? 'this line' : 'these lines'} and import the file again.`
                    : ''}
                </Alert>
                {result.skipped.length > 0 && <ProblemTable problems={result.skipped} lineOf={lineOf} rows={recipients} />}
                <Link to={`/people/groups/${g.id}`}>See the people of {g.name}</Link>
              </div>
            </Section>
          )}
        </CanWrite>
      )}
    </Page>
  );
}

const FIELD_LABELS: Record<string, string> = Object.fromEntries(TARGETS.map((t) => [t.value, t.label]));

function ProblemTable({ problems, lineOf, rows }: { problems: Problem[]; lineOf: (row: number) => number; rows: Record<string, unknown>[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Rows not imported">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Email</th>
            <th scope="col">Field</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p) => (
            <tr key={p.row}>
              <td>{lineOf(p.row)}</td>
              <td>{String(rows[p.row]?.email ?? '')}</td>
              <td>{p.field ? (FIELD_LABELS[p.field] ?? p.field) : '—'}</td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
