import { describe, expect, it } from 'vitest';
import { ConfigError, databaseTimeouts, parseEnv, publicUrlOf } from '../src/entry/config.js';
import { isMultiHost } from '../src/entry/sync-standby.js';

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

  it('reads the cluster settings: limits, a read replica, the synchronous-standby rule and the log origin', () => {
    const env = parseEnv({
      DATABASE_URL: 'postgres://permis@db1:5432,db2:5432/permis?target_session_attrs=read-write',
      DATABASE_READ_URL: 'postgres://permis@db2:5432/permis',
      DATABASE_STATEMENT_TIMEOUT_MS: '4000',
      LOG_ORIGIN: 'permis.example.cat',
    });
    expect(databaseTimeouts(env)).toEqual({ connectMs: 2000, acquireMs: 2000, statementMs: 4000 });
    expect(env).toMatchObject({ DATABASE_SYNC_STANDBY: 'require', DATABASE_READ_STATEMENT_TIMEOUT_MS: 30_000, LOG_ORIGIN: 'permis.example.cat' });
    for (const bad of [{ LOG_ORIGIN: 'https://permis.example.cat' }, { LOG_ORIGIN: 'a+b' }, { LOG_ORIGIN: 'two words' }, { DATABASE_SYNC_STANDBY: 'maybe' }, { DATABASE_ACQUIRE_TIMEOUT_MS: '0' }]) {
      expect(() => parseEnv(bad)).toThrow(ConfigError);
    }
  });

  it('tells a cluster URL (several hosts) from a single server', () => {
    expect(isMultiHost('postgres://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write')).toBe(true);
    expect(isMultiHost('postgres://h1,h2/db')).toBe(true);
    expect(isMultiHost('postgres://u:p,q@h1:5432/db')).toBe(false);
    expect(isMultiHost('postgresql://localhost/db?options=a,b')).toBe(false);
  });
});
