import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from './csv.js';

describe('csv (RFC 4180)', () => {
  it('leaves plain fields alone and writes null as empty', () => {
    expect(csvField('consent.checked')).toBe('consent.checked');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('');
    expect(csvField('Caf\u00e9 \u{1F600}')).toBe('Caf\u00e9 \u{1F600}');
  });

  it('quotes fields with commas, quotes, CR or LF and doubles inner quotes (§2 items 6–7)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvField('one\ntwo')).toBe('"one\ntwo"');
    expect(csvField('"')).toBe('""""');
  });

  it('neutralises formula-like cells with a leading quote', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvField('a=1')).toBe('a=1');
  });

  it('ends each record with CRLF (§2 item 1)', () => {
    expect(csvRecord(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
    expect(csvRecord([])).toBe('\r\n');
  });
});
