/**
 * Shared building blocks. Styling is in styles.css (class names only: the admin origin's CSP
 * has no 'unsafe-inline' for styles). Everything renders user data as text.
 */
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

export function Page({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

export function Section({ title, children, actions }: { title: ReactNode; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card">
      <div className="section-head">
        <h2>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** An error or notice; errors are announced (role=alert). */
export function Alert({ kind = 'error', children }: { kind?: 'error' | 'info' | 'success'; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Button({ variant = 'secondary', ...rest }: { variant?: 'primary' | 'secondary' | 'danger' | 'link' } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type="button" {...rest} className={`btn btn-${variant} ${rest.className ?? ''}`} />;
}

/** A labelled input; `hint` is tied to it with aria-describedby. */
export function Field({ label, hint, ...input }: { label: ReactNode; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function SelectField({ label, hint, children, ...select }: { label: ReactNode; hint?: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...select}>
        {children}
      </select>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function TextAreaField({ label, hint, ...area }: { label: ReactNode; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...area} />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function Checkbox({ label, ...input }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" {...input} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}

/** Sortable column header: click toggles ascending/descending; aria-sort says which. */
export function SortHeader({ column, label, sort, onSort }: { column: string; label: string; sort: string; onSort: (s: string) => void }) {
  const active = sort === column || sort === `-${column}`;
  const desc = sort === `-${column}`;
  return (
    <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(active && !desc ? `-${column}` : column)}>
        {label}
        <span aria-hidden="true">{active ? (desc ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** Offset paging: previous / next, with the range shown. `total` when known. */
export function Pager({ offset, limit, count, total, onOffset }: { offset: number; limit: number; count: number; total?: number; onOffset: (o: number) => void }) {
  const last = total !== undefined ? offset + limit >= total : count < limit;
  return (
    <nav className="pager" aria-label="Pages">
      <Button disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous
      </Button>
      <span>
        {count === 0 ? 'No rows' : `${offset + 1}–${offset + count}`}
        {total !== undefined ? ` of ${total}` : ''}
      </span>
      <Button disabled={last} onClick={() => onOffset(offset + limit)}>
        Next
      </Button>
    </nav>
  );
}

/**
 * Rendered mail or landing pages (untrusted HTML). `src` must be a URL that serves the HTML with
 * its own CSP (`sandbox; default-src 'none'`), see previewUrl() in preview.ts; the frame is
 * sandboxed as well, without allow-scripts, so nothing in it runs.
 */
export function SandboxFrame({ src, title }: { src: string | null; title: string }) {
  if (!src) return <p className="muted">Nothing to show.</p>;
  return <iframe className="frame" sandbox="" referrerPolicy="no-referrer" src={src} title={title} />;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const STATUS_LABELS: Record<string, string> = {
  idle: 'Not started',
  running: 'Running',
  stopped: 'Stopped',
  waiting_approval: 'Waiting for approval',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}
