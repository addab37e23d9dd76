import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, publicUrlOf } from '../src/entry/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 8787, DATA_DIR: './data', JURISDICTION: 'ES' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(publicUrlOf(env)).toBe('http://localhost:8787');
  });

  it('names every bad variable', () => {
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', KEY_ENCRYPTION_KEY: 'short', RECEIPT_SIGNING_KEY: '{nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'KEY_ENCRYPTION_KEY', 'RECEIPT_SIGNING_KEY']) expect(msg).toContain(name);
    }
  });

  it('treats empty strings as unset and trims the public URL', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(publicUrlOf(parseEnv({ PUBLIC_URL: 'https://permis.example.cat/' }))).toBe('https://permis.example.cat');
  });
});
