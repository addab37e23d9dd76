/**
 * Server-rendered charts for the officer's statistics: inline SVG (no script, no inline
 * style: classes and presentation attributes only) with `role="img"`, an `aria-label`
 * summarising the numbers and a `<title>`, followed by the same numbers as a table
 * (WCAG 2.2 SC 1.1.1: the table is the text alternative in full).
 */
import { formatNumber, type Page } from './page.js';

/** One bar: what it counts and how many. */
export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 640;
const LABEL_W = 220;
const ROW_H = 26;
const MAX_BARS = 20;

/** "a: 3, b: 2, …" for the accessible name (first ten). */
const summary = (p: Page, bars: Bar[]): string =>
  bars
    .slice(0, 10)
    .map((b) => `${b.label}: ${formatNumber(p, b.value)}`)
    .join(', ') + (bars.length > 10 ? ', …' : '');

function NumbersTable(props: { p: Page; caption: string; labelHeader: string; bars: Bar[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.labelHeader}</th>
            <th scope="col">{props.p.t('officer.stats.count')}</th>
          </tr>
        </thead>
        <tbody>
          {props.bars.map((b) => (
            <tr>
              <th scope="row">{b.label}</th>
              <td>{formatNumber(props.p, b.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A horizontal bar chart (largest first, at most 20 bars drawn) and its table. */
export function BarChart(props: { p: Page; id: string; title: string; labelHeader: string; bars: Bar[]; barClass?: 'bar' | 'bar-deny' | 'bar-permit' }) {
  const { p, bars } = props;
  const drawn = bars.slice(0, MAX_BARS);
  const max = Math.max(1, ...drawn.map((b) => b.value));
  const height = Math.max(1, drawn.length) * ROW_H + 8;
  const span = WIDTH - LABEL_W - 60;
  return (
    <div class="chart" id={props.id}>
      {bars.length === 0 ? (
        <p>{p.t('officer.stats.empty')}</p>
      ) : (
        <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-label={`${props.title}. ${summary(p, bars)}`}>
          <title>{props.title}</title>
          {drawn.map((b, i) => {
            const y = 4 + i * ROW_H;
            const w = Math.max(1, Math.round((b.value / max) * span));
            return (
              <g>
                <text x={LABEL_W - 8} y={y + 16} text-anchor="end">
                  {b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label}
                </text>
                <rect class={props.barClass ?? 'bar'} x={LABEL_W} y={y + 3} width={w} height={ROW_H - 8}></rect>
                <text x={LABEL_W + w + 6} y={y + 16}>
                  {formatNumber(p, b.value)}
                </text>
              </g>
            );
          })}
          <line class="axis" x1={LABEL_W} y1={0} x2={LABEL_W} y2={height}></line>
        </svg>
      )}
      {bars.length > 0 ? <NumbersTable p={p} caption={props.title} labelHeader={props.labelHeader} bars={bars} /> : null}
    </div>
  );
}

/** A column chart of a series over days (oldest left), with the first and last day labelled, and its table. */
export function DayChart(props: { p: Page; id: string; title: string; labelHeader: string; bars: Bar[] }) {
  const { p, bars } = props;
  const height = 200;
  const base = height - 24;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = bars.length > 0 ? (WIDTH - 40) / bars.length : 0;
  const colW = Math.max(1, Math.min(40, step - 2));
  return (
    <div class="chart" id={props.id}>
      {bars.length === 0 ? (
        <p>{p.t('officer.stats.empty')}</p>
      ) : (
        <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-label={`${props.title}. ${summary(p, bars)}`}>
          <title>{props.title}</title>
          {bars.map((b, i) => {
            const h = Math.max(1, Math.round((b.value / max) * (base - 20)));
            return <rect class="bar" x={20 + i * step} y={base - h} width={colW} height={h}></rect>;
          })}
          <line class="axis" x1={16} y1={base} x2={WIDTH - 16} y2={base}></line>
          <text x={20} y={height - 6}>
            {bars[0]!.label}
          </text>
          {bars.length > 1 ? (
            <text x={WIDTH - 20} y={height - 6} text-anchor="end">
              {bars[bars.length - 1]!.label}
            </text>
          ) : null}
          <text x={20} y={14}>
            {p.t('officer.stats.max', { count: formatNumber(p, max) })}
          </text>
        </svg>
      )}
      {bars.length > 0 ? <NumbersTable p={p} caption={props.title} labelHeader={props.labelHeader} bars={bars} /> : null}
    </div>
  );
}
