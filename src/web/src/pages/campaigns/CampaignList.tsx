import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Loading, Page, Pager, SelectField, SortHeader, StatusBadge, Field, Button, formatDate, STATUS_LABELS } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { Link, navigate, setQuery, useLocation } from '../../router.tsx';
import { CanWrite } from '../../session.tsx';
import type { Campaign } from './types.ts';

const LIMIT = 25;

export default function CampaignList() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const sort = query.get('sort') ?? '-created_at';
  const offset = Number(query.get('offset')) || 0;
  const [search, setSearch] = useState(q);

  const list = useLoad(() => api.get<{ campaigns: Campaign[] }>('/api/campaigns', { q, status, sort, offset, limit: LIMIT }), [q, status, sort, offset]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: search.trim(), offset: null });
  };

  return (
    <Page
      title="Campaigns"
      actions={
        <CanWrite>
          <Button variant="primary" onClick={() => navigate('/campaigns/new')}>
            New campaign
          </Button>
        </CanWrite>
      }
    >
      <form className="filters" role="search" onSubmit={submit}>
        <Field label="Search by name" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <SelectField label="Status" value={status} onChange={(e) => setQuery({ status: e.target.value, offset: null })}>
          <option value="">Any status</option>
          {Object.entries(STATUS_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </SelectField>
        <div className="field">
          <Button type="submit">Search</Button>
        </div>
      </form>
      <Alert>{list.error}</Alert>
      {!list.data ? (
        <Loading />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="muted">{list.data.campaigns.length === 0 ? 'No campaigns match.' : 'Campaigns'}</caption>
              <thead>
                <tr>
                  <SortHeader column="name" label="Name" sort={sort} onSort={(s) => setQuery({ sort: s, offset: null })} />
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Recipients</th>
                  <th scope="col" className="num">Sent</th>
                  <th scope="col" className="num">Clicked</th>
                  <th scope="col" className="num">Reported</th>
                  <SortHeader column="created_at" label="Created" sort={sort} onSort={(s) => setQuery({ sort: s, offset: null })} />
                </tr>
              </thead>
              <tbody>
                {list.data.campaigns.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                    <td className="num">{c.recipients}</td>
                    <td className="num">{c.submitted}</td>
                    <td className="num">{c.clicked}</td>
                    <td className="num">{c.reported}</td>
                    <td>{formatDate(c.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={list.data.campaigns.length} onOffset={(o) => setQuery({ offset: o || null })} />
        </>
      )}
    </Page>
  );
}
