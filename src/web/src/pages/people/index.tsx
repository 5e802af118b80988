/**
 * People: recipient groups, each group's people (search, sort, paging, add, edit), CSV import
 * (import.tsx) and recipient custom fields.
 *   /people                      groups and custom fields
 *   /people/groups/:id           the group's people
 *   /people/groups/:id/import    CSV import into the group
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Field, Loading, Page, Pager, Section, SortHeader, formatDate } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { Link, navigate, setQuery, useLocation } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';
import { CanWrite, useSession } from '../../session.tsx';
import ImportPage from './import.tsx';
import { loadCustomFields, type CustomField, type Group, type Recipient } from './shared.ts';

export default function People({ segments }: AreaProps) {
  const [first, second, third] = segments;
  if (first === 'groups' && second && third === 'import') return <ImportPage groupId={Number(second)} />;
  if (first === 'groups' && second) return <GroupPage id={Number(second)} />;
  return <GroupsPage />;
}

function GroupsPage() {
  const { query } = useLocation();
  const sort = query.get('sort') ?? 'name';
  const offset = Number(query.get('offset') ?? 0);
  const limit = 50;
  const groups = useLoad(() => api.get<{ recipient_groups: Group[] }>('/api/recipient-groups', { sort, offset, limit }).then((r) => r.recipient_groups), [sort, offset]);
  return (
    <Page title="People">
      <Section title="Recipient groups">
        {groups.error && <Alert>{groups.error}</Alert>}
        {!groups.data ? (
          <Loading />
        ) : groups.data.length === 0 && offset === 0 ? (
          <p className="muted">No recipient groups yet. Create one, then add people to it or import a CSV file.</p>
        ) : (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <SortHeader column="name" label="Group" sort={sort} onSort={(s) => setQuery({ sort: s, offset: 0 })} />
                    <SortHeader column="recipient_count" label="People" sort={sort} onSort={(s) => setQuery({ sort: s, offset: 0 })} />
                  </tr>
                </thead>
                <tbody>
                  {groups.data.map((g) => (
                    <tr key={g.id}>
                      <td>
                        <Link to={`/people/groups/${g.id}`}>{g.name}</Link>
                      </td>
                      <td className="num">{g.recipient_count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={limit} count={groups.data.length} onOffset={(o) => setQuery({ offset: o })} />
          </>
        )}
        <CanWrite>
          <NewGroupForm />
        </CanWrite>
      </Section>
      <CustomFieldsSection />
    </Page>
  );
}

function NewGroupForm() {
  const s = useSession();
  const [name, setName] = useState('');
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await save.run(() => api.put<{ recipient_group: Group }>('/api/recipient-groups', { name, usb_attack: false, ...(s.clientId ? { client_id: s.clientId } : {}) }));
    if (r) navigate(`/people/groups/${r.recipient_group.id}`);
  };
  return (
    <form onSubmit={submit} aria-label="New recipient group">
      <h3>New group</h3>
      {s.isSuper && !s.clientId && <Alert kind="info">Choose a client in the client switcher first: a group belongs to one client.</Alert>}
      <Alert>{save.error}</Alert>
      <div className="filters">
        <Field label="Group name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={255} />
        <div className="field">
          <Button type="submit" variant="primary" disabled={save.busy || !name.trim()}>
            Create group
          </Button>
        </div>
      </div>
    </form>
  );
}

function CustomFieldsSection() {
  const s = useSession();
  const fields = useLoad(loadCustomFields, []);
  const [name, setName] = useState('');
  const save = useAction();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await save.run(() => api.put('/api/recipient-custom-fields', { name, ...(s.clientId ? { client_id: s.clientId } : {}) }));
    if (r) {
      setName('');
      fields.reload();
    }
  };
  const remove = async (f: CustomField) => {
    if (!window.confirm(`Delete the custom field "${f.name}"?`)) return;
    if ((await save.run(() => api.del(`/api/recipient-custom-fields/${f.id}`))) !== undefined) fields.reload();
  };
  return (
    <Section title="Custom fields">
      <p className="muted">
        Extra columns every person can have (a cost centre, a manager). Templates use them as <code>{'{{custom.<field name>}}'}</code>.
      </p>
      {fields.error && <Alert>{fields.error}</Alert>}
      {fields.data && fields.data.length > 0 ? (
        <ul>
          {fields.data.map((f) => (
            <li key={f.id}>
              {f.name}{' '}
              <CanWrite>
                <Button variant="link" onClick={() => remove(f)} aria-label={`Delete custom field ${f.name}`}>
                  Delete
                </Button>
              </CanWrite>
            </li>
          ))}
        </ul>
      ) : (
        fields.data && <p className="muted">No custom fields.</p>
      )}
      <CanWrite>
        <form onSubmit={add} aria-label="New custom field">
          <Alert>{save.error}</Alert>
          <div className="filters">
            <Field label="Field name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={255} />
            <div className="field">
              <Button type="submit" disabled={save.busy || !name.trim()}>
                Add field
              </Button>
            </div>
          </div>
        </form>
      </CanWrite>
    </Section>
  );
}

const EDITABLE: { key: keyof Recipient; label: string; type?: string; required?: boolean }[] = [
  { key: 'email', label: 'Email', type: 'email', required: true },
  { key: 'name', label: 'Name', required: true },
  { key: 'firstname', label: 'First name' },
  { key: 'lastname', label: 'Last name' },
  { key: 'phone', label: 'Phone' },
  { key: 'division', label: 'Division' },
  { key: 'location', label: 'Location' },
  { key: 'staff_type', label: 'Staff type' },
];

function GroupPage({ id }: { id: number }) {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const sort = query.get('sort') ?? 'name';
  const offset = Number(query.get('offset') ?? 0);
  const limit = 50;
  const [search, setSearch] = useState(q);
  const [editing, setEditing] = useState<Recipient | 'new' | null>(null);
  const group = useLoad(() => api.get<{ recipient_group: Group }>(`/api/recipient-groups/${id}`).then((r) => r.recipient_group), [id]);
  const people = useLoad(
    () => api.get<{ recipients: Recipient[] }>(`/api/recipient-groups/${id}/recipients/search`, { q, sort, offset, limit }).then((r) => r.recipients),
    [id, q, sort, offset],
  );
  const fields = useLoad(loadCustomFields, []);
  const del = useAction();
  const onSort = (s: string) => setQuery({ sort: s, offset: 0 });

  if (group.error) return <Page title="Recipient group"><Alert>{group.error}</Alert><Link to="/people">Back to People</Link></Page>;
  if (!group.data) return <Page title="Recipient group"><Loading /></Page>;
  const g = group.data;

  const removeRecipient = async (r: Recipient) => {
    if (!window.confirm(`Remove ${r.email} from this group?`)) return;
    if ((await del.run(() => api.del(`/api/recipients/${r.id}`))) !== undefined) {
      people.reload();
      group.reload();
    }
  };
  const removeGroup = async () => {
    if (!window.confirm(`Delete the group "${g.name}" and its ${g.recipient_count} people?`)) return;
    if ((await del.run(() => api.del(`/api/recipient-groups/${g.id}`))) !== undefined) navigate('/people');
  };

  return (
    <Page
      title={g.name}
      actions={
        <CanWrite>
          <Button variant="primary" onClick={() => setEditing('new')}>
            Add person
          </Button>
          <Link className="btn btn-secondary" to={`/people/groups/${g.id}/import`}>
            Import CSV
          </Link>
          <Button variant="danger" onClick={removeGroup}>
            Delete group
          </Button>
        </CanWrite>
      }
    >
      <p>
        <Link to="/people">All groups</Link> · {g.recipient_count} {g.recipient_count === 1 ? 'person' : 'people'}
      </p>
      <Alert>{del.error}</Alert>
      {editing && (
        <RecipientForm
          groupId={g.id}
          recipient={editing === 'new' ? null : editing}
          fields={fields.data ?? []}
          onDone={() => {
            setEditing(null);
            people.reload();
            group.reload();
          }}
        />
      )}
      <Section title="People in this group">
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
        {people.error && <Alert>{people.error}</Alert>}
        {!people.data ? (
          <Loading />
        ) : (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <SortHeader column="email" label="Email" sort={sort} onSort={onSort} />
                    <SortHeader column="name" label="Name" sort={sort} onSort={onSort} />
                    <SortHeader column="division" label="Division" sort={sort} onSort={onSort} />
                    <SortHeader column="location" label="Location" sort={sort} onSort={onSort} />
                    {(fields.data ?? []).map((f) => (
                      <th scope="col" key={f.id}>
                        {f.name}
                      </th>
                    ))}
                    <SortHeader column="last_tested" label="Last tested" sort={sort} onSort={onSort} />
                    <CanWrite>
                      <th scope="col">
                        <span className="muted">Actions</span>
                      </th>
                    </CanWrite>
                  </tr>
                </thead>
                <tbody>
                  {people.data.length === 0 && (
                    <tr>
                      <td colSpan={6 + (fields.data?.length ?? 0)} className="muted">
                        {q ? `Nobody matches "${q}".` : 'Nobody in this group yet.'}
                      </td>
                    </tr>
                  )}
                  {people.data.map((r) => (
                    <tr key={r.id}>
                      <td>{r.email}</td>
                      <td>{r.name}</td>
                      <td>{r.division}</td>
                      <td>{r.location}</td>
                      {(fields.data ?? []).map((f, i) => (
                        <td key={f.id}>{r.custom_fields?.[i] ?? ''}</td>
                      ))}
                      <td>{formatDate(r.last_tested)}</td>
                      <CanWrite>
                        <td>
                          <Button variant="link" onClick={() => setEditing(r)} aria-label={`Edit ${r.email}`}>
                            Edit
                          </Button>
                          <Button variant="link" onClick={() => removeRecipient(r)} aria-label={`Remove ${r.email}`}>
                            Remove
                          </Button>
                        </td>
                      </CanWrite>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={limit} count={people.data.length} total={q ? undefined : g.recipient_count} onOffset={(o) => setQuery({ offset: o })} />
          </>
        )}
      </Section>
    </Page>
  );
}

function RecipientForm({ groupId, recipient, fields, onDone }: { groupId: number; recipient: Recipient | null; fields: CustomField[]; onDone: () => void }) {
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const f of EDITABLE) v[f.key] = String(recipient?.[f.key] ?? '');
    return v;
  });
  const [custom, setCustom] = useState<string[]>(() => fields.map((_, i) => recipient?.custom_fields?.[i] ?? ''));
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...values, custom_fields: custom };
    const r = recipient ? await save.run(() => api.post(`/api/recipients/${recipient.id}`, body)) : await save.run(() => api.put(`/api/recipient-groups/${groupId}/recipients`, body));
    if (r) onDone();
  };
  return (
    <Section title={recipient ? `Edit ${recipient.email}` : 'Add a person'}>
      <form onSubmit={submit}>
        <Alert>{save.error}</Alert>
        <div className="grid">
          {EDITABLE.map((f) => (
            <Field
              key={f.key}
              label={f.label}
              type={f.type ?? 'text'}
              required={f.required}
              value={values[f.key]}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
          ))}
          {fields.map((f, i) => (
            <Field key={f.id} label={f.name} value={custom[i] ?? ''} onChange={(e) => setCustom(custom.map((c, j) => (j === i ? e.target.value : c)))} />
          ))}
        </div>
        <div className="actions">
          <Button type="submit" variant="primary" disabled={save.busy}>
            {recipient ? 'Save' : 'Add'}
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      </form>
    </Section>
  );
}

