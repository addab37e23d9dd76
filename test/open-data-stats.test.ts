/** Monthly statistics from audit events (issue 22): counts per service and month, never per person. */
import { describe, expect, it } from 'vitest';
import { monthlyCounts, monthRange, type StatsEvent } from '../src/open-data/monthly-counts.js';

const ev = (type: string, at: string, more: Partial<StatsEvent> = {}): StatsEvent => ({ type, service: 'bicing', consentId: null, at, ...more });

describe('monthly statistics', () => {
  it('counts transitions, requests and checks by month, and active consents at each month end', () => {
    const events: StatsEvent[] = [
      ev('request.created', '2026-10-01T10:00:00.000000Z', { consentRequestId: 'r1' }),
      ev('request.created', '2026-10-01T10:00:00.000000Z', { consentRequestId: 'r2' }),
      ev('request.approved', '2026-10-01T10:30:00.000000Z', { consentRequestId: 'r1' }),
      ev('consent.granted', '2026-10-01T10:30:00.000000Z', { consentId: 'c1', status: 'active' }),
      ev('request.approved', '2026-10-01T11:30:00.000000Z', { consentRequestId: 'r2' }),
      ev('consent.granted', '2026-10-01T11:30:00.000000Z', { consentId: 'c2', status: 'active' }),
      ev('consent.checked', '2026-10-02T00:00:00.000000Z', { decision: 'permit' }),
      ev('consent.checked', '2026-10-02T00:00:00.000000Z', { decision: 'deny', reason: 'purpose_not_covered' }),
      ev('consent.paused', '2026-11-05T00:00:00.000000Z', { consentId: 'c1', status: 'paused' }),
      ev('consent.withdrawn', '2026-12-05T00:00:00.000000Z', { consentId: 'c2', status: 'withdrawn' }),
      ev('consent.checked', '2026-12-06T00:00:00.000000Z', { decision: 'deny', reason: 'withdrawn' }),
      { type: 'citizen.signed_in', service: null, consentId: null, at: '2027-01-01T00:00:00Z' },
      ev('officer.searched', '2027-02-01T00:00:00Z'),
    ];
    const s = monthlyCounts(events);
    expect(s.services).toEqual(['bicing']);
    expect(s.months).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(s.through).toBe('2026-12-06T00:00:00.000000Z');
    const [oct, nov, dec] = s.cells;
    expect(oct!.counts).toMatchObject({
      'requests.sent': 2,
      'requests.approved': 2,
      'consents.granted': 2,
      'consents.active_at_month_end': 2,
      'checks.made': 2,
      'checks.permitted': 1,
      'checks.denied.purpose_not_covered': 1,
    });
    expect(oct!.median).toBe(60); // 30 and 90 minutes
    expect(oct!.approvals).toBe(2);
    expect(nov!.counts['consents.paused']).toBe(1);
    expect(nov!.counts['consents.active_at_month_end']).toBe(1);
    expect(dec!.counts['consents.withdrawn']).toBe(1);
    expect(dec!.counts['consents.active_at_month_end']).toBe(0);
    expect(dec!.counts['checks.denied.withdrawn']).toBe(1);
  });

  it('spans every month between the first and the last, across years', () => {
    expect(monthRange('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthlyCounts([]).months).toEqual([]);
  });
});
