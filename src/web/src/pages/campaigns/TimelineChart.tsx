/** Cumulative activity over time as lines, in plain SVG (no chart library). */
import { formatDate } from '../../components/ui.tsx';

export interface Point {
  time: string;
  submitted: number;
  opened: number;
  clicked: number;
  succeeded: number;
  reported: number;
}

const SERIES = [
  ['submitted', 'Sent', 'c-sent'],
  ['opened', 'Opened', 'c-opened'],
  ['clicked', 'Clicked', 'c-clicked'],
  ['succeeded', 'Succeeded', 'c-succeeded'],
  ['reported', 'Reported', 'c-reported'],
] as const;

const W = 640;
const H = 220;
const PAD = { l: 44, r: 8, t: 8, b: 24 };

export function TimelineChart({ points }: { points: Point[] }) {
  if (points.length === 0) return <p className="muted">The chart starts when the campaign starts.</p>;
  const max = Math.max(1, ...points.map((p) => p.submitted), ...points.map((p) => Math.max(p.opened, p.clicked, p.reported)));
  const x = (i: number) => PAD.l + (points.length === 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (points.length - 1));
  const y = (v: number) => H - PAD.b - (v * (H - PAD.t - PAD.b)) / max;
  const last = points[points.length - 1];
  const summary = SERIES.map(([k, label]) => `${label} ${last[k]}`).join(', ');
  return (
    <figure>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Activity since the start; by ${formatDate(last.time)}: ${summary}`}>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="#6b7280" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke="#6b7280" />
        {[0, 0.5, 1].map((f) => (
          <text key={f} x={PAD.l - 6} y={y(max * f) + 4} textAnchor="end">
            {Math.round(max * f)}
          </text>
        ))}
        <text x={PAD.l} y={H - 6}>
          {new Date(points[0].time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </text>
        <text x={W - PAD.r} y={H - 6} textAnchor="end">
          {new Date(last.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </text>
        {SERIES.map(([k, , cls]) => (
          <polyline key={k} className={cls} points={points.map((p, i) => `${x(i).toFixed(1)},${y(p[k]).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption>
        <ul className="legend">
          {SERIES.map(([k, label, cls]) => (
            <li key={k}>
              <span className={`swatch ${cls}`} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
