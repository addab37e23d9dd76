import type { DayCount } from '../routes/access-log-data.js';
import { formatDate, formatNumber, type Page } from './page.js';

const W = 720;
const H = 240;
const LEFT = 44;
const BOTTOM = 36;
const TOP = 16;

/** A calendar day (`YYYY-MM-DD`) as a short label in the page's language. */
const dayLabel = (p: Page, day: string): string =>
  new Intl.DateTimeFormat(p.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

/**
 * Checks per day as a server-rendered SVG (stacked bars: permitted below, refused above),
 * described for screen readers, followed by the same numbers as a table.
 */
export function AccessLogChart({ p, days }: { p: Page; days: DayCount[] }) {
  const max = Math.max(1, ...days.map((d) => d.permit + d.deny));
  const plotW = W - LEFT - 8;
  const plotH = H - TOP - BOTTOM;
  const step = plotW / Math.max(1, days.length);
  const barW = Math.max(2, step * 0.7);
  const y = (n: number) => (n / max) * plotH;
  const totalPermit = days.reduce((s, d) => s + d.permit, 0);
  const totalDeny = days.reduce((s, d) => s + d.deny, 0);
  const first = days[0]?.day;
  const last = days[days.length - 1]?.day;
  const summary = p.t('accessLog.chartSummary', {
    from: first ? formatDate(p, `${first}T12:00:00Z`) : '',
    to: last ? formatDate(p, `${last}T12:00:00Z`) : '',
    permit: formatNumber(p, totalPermit),
    deny: formatNumber(p, totalDeny),
  });
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  return (
    <figure class="chart" id="access-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby="access-chart-title" xmlns="http://www.w3.org/2000/svg">
        <title id="access-chart-title">{summary}</title>
        <line class="axis" x1={LEFT} y1={TOP + plotH} x2={W - 8} y2={TOP + plotH} stroke="#4a4a4a" />
        <line class="axis" x1={LEFT} y1={TOP} x2={LEFT} y2={TOP + plotH} stroke="#4a4a4a" />
        <text x={LEFT - 6} y={TOP + 4} text-anchor="end">
          {formatNumber(p, max)}
        </text>
        <text x={LEFT - 6} y={TOP + plotH} text-anchor="end">
          0
        </text>
        {days.map((d, i) => {
          const x = LEFT + i * step + (step - barW) / 2;
          const hp = y(d.permit);
          const hd = y(d.deny);
          return (
            <g>
              {d.permit > 0 ? <rect class="bar-permit" x={x} y={TOP + plotH - hp} width={barW} height={hp} fill="#1d6b35" /> : null}
              {d.deny > 0 ? <rect class="bar-deny" x={x} y={TOP + plotH - hp - hd} width={barW} height={hd} fill="#b3001b" /> : null}
              {i % labelEvery === 0 ? (
                <text x={x + barW / 2} y={H - BOTTOM + 16} text-anchor="middle">
                  {dayLabel(p, d.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="legend legend-permit">{p.t('accessLog.legendPermit')}</span> <span class="legend legend-deny">{p.t('accessLog.legendDeny')}</span>
        <span class="visually-hidden"> {summary}</span>
      </figcaption>
      <details>
        <summary>{p.t('accessLog.chartTable')}</summary>
        <div class="table-wrap">
          <table id="access-chart-table">
            <caption>{summary}</caption>
            <thead>
              <tr>
                <th scope="col">{p.t('accessLog.colDay')}</th>
                <th scope="col">{p.t('accessLog.legendPermit')}</th>
                <th scope="col">{p.t('accessLog.legendDeny')}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr>
                  <th scope="row">{formatDate(p, `${d.day}T12:00:00Z`)}</th>
                  <td>{formatNumber(p, d.permit)}</td>
                  <td>{formatNumber(p, d.deny)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
