/**
 * The messages the built-in catcher kept (no SMTP relay configured): a list with search, and
 * the selected message rendered in a sandboxed frame with its subject, sender and recipient.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Alert, Button, Field, Loading, Page, Pager, SandboxFrame, Section, formatDate } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useFrameUrl } from '../../preview.ts';
import { Link, setQuery, useLocation } from '../../router.tsx';
import type { AreaProps } from '../../routes.tsx';

interface Message {
  id: number;
  campaign_id: number | null;
  message_type: string;
  channel: 'email' | 'sms';
  sender: string;
  recipient: string;
  subject: string;
  text: string;
  created_at: string | null;
}

const LIMIT = 25;

export default function Outbox({ segments }: AreaProps) {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const offset = Number(query.get('offset')) || 0;
  const selected = Number(segments[0]) || null;
  const [search, setSearch] = useState(q);
  const list = useLoad(() => api.get<{ outbox: Message[] }>('/api/outbox', { q, offset, limit: LIMIT, sort: '-id' }), [q, offset], 10000);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: search.trim(), offset: null });
  };
  const qs = location.search;
  return (
    <Page title="Outbox">
      <p className="muted">With no SMTP relay configured, Decoy keeps every message here instead of sending it.</p>
      <form className="filters" role="search" onSubmit={submit}>
        <Field label="Search recipient or subject" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
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
              <caption className="muted">{list.data.outbox.length === 0 ? 'No messages.' : 'Messages, newest first'}</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">To</th>
                  <th scope="col">From</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Kept</th>
                </tr>
              </thead>
              <tbody>
                {list.data.outbox.map((m) => (
                  <tr key={m.id} className={m.id === selected ? 'selected' : undefined}>
                    <td>
                      <Link to={`/outbox/${m.id}${qs}`} aria-current={m.id === selected ? 'true' : undefined}>
                        {m.subject || (m.channel === 'sms' ? m.text.slice(0, 60) : '(no subject)')}
                      </Link>
                    </td>
                    <td>{m.recipient}</td>
                    <td>{m.sender || '—'}</td>
                    <td>
                      {m.message_type}
                      {m.channel === 'sms' ? ' (SMS)' : ''}
                    </td>
                    <td>{formatDate(m.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={list.data.outbox.length} onOffset={(o) => setQuery({ offset: o || null })} />
        </>
      )}
      {selected && <MessageView id={selected} />}
    </Page>
  );
}

function MessageView({ id }: { id: number }) {
  const msg = useLoad(() => api.get<{ message: Message }>(`/api/outbox/${id}`).then((r) => r.message), [id]);
  const url = useFrameUrl('outbox', id);
  if (msg.error) return <Alert>{msg.error}</Alert>;
  if (!msg.data) return <Loading />;
  const m = msg.data;
  return (
    <Section title={m.subject || 'Message'}>
      <dl className="props">
        <div className="contents">
          <dt>From</dt>
          <dd>{m.sender || '—'}</dd>
        </div>
        <div className="contents">
          <dt>To</dt>
          <dd>{m.recipient}</dd>
        </div>
        <div className="contents">
          <dt>Subject</dt>
          <dd>{m.subject}</dd>
        </div>
        <div className="contents">
          <dt>Kept</dt>
          <dd>{formatDate(m.created_at)}</dd>
        </div>
        {m.campaign_id && (
          <div className="contents">
            <dt>Campaign</dt>
            <dd>
              <Link to={`/campaigns/${m.campaign_id}`}>Campaign {m.campaign_id}</Link>
            </dd>
          </div>
        )}
      </dl>
      {m.channel === 'sms' ? <p className="sms">{m.text}</p> : <SandboxFrame src={url} title={`Message: ${m.subject}`} />}
    </Section>
  );
}
