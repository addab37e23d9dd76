import { describe, expect, it } from 'vitest';
import { type CheckableConsent, decide } from './check.js';

const now = new Date('2027-01-01T00:00:00Z');
const base: CheckableConsent = {
  id: 'a',
  revision: 1,
  status: 'active',
  purposes: ['benefits'],
  categories: ['address', 'income'],
  processing: ['use'],
  validUntil: new Date('2027-06-01T00:00:00Z'),
  updatedAt: new Date('2026-12-01T00:00:00Z'),
};
const q = { purpose: 'benefits', dataCategories: ['address'] };

describe('decide', () => {
  it('permits only an active unexpired consent that covers everything', () => {
    expect(decide([base], q, now)).toEqual({ decision: 'permit', consentId: 'a', revision: 1 });
    expect(decide([base], { ...q, dataCategories: ['address', 'income'], processing: ['use'] }, now).decision).toBe('permit');
  });
  it('names what is not covered', () => {
    expect(decide([base], { ...q, purpose: 'research' }, now)).toMatchObject({ decision: 'deny', reason: 'purpose_not_covered' });
    expect(decide([base], { ...q, dataCategories: ['address', 'health'] }, now)).toMatchObject({ reason: 'category_not_covered' });
    expect(decide([base], { ...q, processing: ['share'] }, now)).toMatchObject({ reason: 'processing_not_covered' });
  });
  it('reports the status of a covering consent that is not active', () => {
    for (const status of ['paused', 'withdrawn', 'revoked', 'expired'] as const) {
      expect(decide([{ ...base, status }], q, now)).toMatchObject({ decision: 'deny', reason: status });
    }
    expect(decide([{ ...base, validUntil: now }], q, now)).toMatchObject({ reason: 'expired' });
  });
  it('no consent at all is no_consent', () => {
    expect(decide([], q, now)).toEqual({ decision: 'deny', reason: 'no_consent' });
  });
  it('an active covering consent wins over a withdrawn one; the newest covering one explains a deny', () => {
    const old = { ...base, id: 'old', status: 'withdrawn' as const, updatedAt: new Date('2026-01-01') };
    expect(decide([old, base], q, now)).toMatchObject({ decision: 'permit', consentId: 'a' });
    const paused = { ...base, id: 'p', status: 'paused' as const, updatedAt: new Date('2026-12-15') };
    expect(decide([old, paused], q, now)).toMatchObject({ reason: 'paused', consentId: 'p' });
    const narrow = { ...base, id: 'n', purposes: ['other'] };
    expect(decide([old, narrow], q, now)).toMatchObject({ reason: 'withdrawn', consentId: 'old' });
  });
});
