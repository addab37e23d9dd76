import { describe, expect, it } from 'vitest';
import { asLocale, negotiateLocale } from '../src/portal/i18n/locale.js';
import { messageAreas, messages, portalTranslator } from '../src/portal/messages/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('portal catalogues', () => {
  it('have the same keys in ca, es and en (no untranslated string ships)', () => {
    const ca = Object.keys(messages.ca).sort();
    expect(Object.keys(messages.es).sort()).toEqual(ca);
    expect(Object.keys(messages.en).sort()).toEqual(ca);
    expect(ca.length).toBeGreaterThan(50);
  });

  it('define every key in exactly one area (a later area never silently overrides one)', () => {
    const seen = new Map<string, number>();
    messageAreas.forEach((area, i) => {
      for (const key of Object.keys(area.ca)) {
        expect(seen.has(key), `${key} is defined in areas ${seen.get(key)} and ${i}`).toBe(false);
        seen.set(key, i);
      }
    });
    expect(seen.size).toBe(Object.keys(messages.ca).length);
  });

  it('have no empty message and the same {placeholders} in every language', () => {
    for (const key of Object.keys(messages.ca) as (keyof typeof messages.ca)[]) {
      for (const l of ['ca', 'es', 'en'] as const) {
        expect(messages[l][key].trim(), `${l} ${key}`).not.toBe('');
        expect(placeholders(messages[l][key]), `${l} ${key}`).toEqual(placeholders(messages.ca[key]));
      }
    }
  });

  it('fills placeholders and leaves unknown ones as written', () => {
    const t = portalTranslator('en');
    expect(t('common.signedInAs', { name: 'Laia' })).toBe('Signed in as Laia');
    expect(t('common.signedInAs')).toBe('Signed in as {name}');
  });
});

describe('language negotiation (RFC 9110 §12.5.4)', () => {
  it.each([
    [undefined, 'ca'],
    ['', 'ca'],
    ['fr-FR, de;q=0.8', 'ca'],
    ['es-ES,es;q=0.9,en;q=0.8', 'es'],
    ['en-GB', 'en'],
    ['fr;q=1, en;q=0.5, es;q=0.9', 'es'],
    ['en;q=0, es;q=0.1', 'es'],
    ['*', 'ca'],
    ['ca-ES-valencia', 'ca'],
    ['en;q=0.5, es;q=0.5', 'en'],
  ])('%s → %s', (header, want) => {
    expect(negotiateLocale(header)).toBe(want);
  });

  it('reads a language code case-insensitively and refuses others', () => {
    expect(asLocale('EN')).toBe('en');
    expect(asLocale('es_ES')).toBe('es');
    expect(asLocale('fr')).toBeUndefined();
    expect(asLocale(undefined)).toBeUndefined();
  });
});
