/** The webhook URL policy (SSRF) and the retry schedule, as pure rules. */
import { describe, expect, it } from 'vitest';
import { PermisError, RuleError } from '../src/domain/errors.js';
import type { Random } from '../src/domain/runtime.js';
import { checkWebhookUrl } from '../src/domain/webhook-url.js';
import { JITTER_MAX, JITTER_MIN, MAX_WEBHOOK_ATTEMPTS, RETRY_DELAYS_SECONDS, retryDelayMs } from '../src/domain/webhook-retry.js';

const refused = (url: string) => {
  try {
    checkWebhookUrl(url);
  } catch (err) {
    expect(err, url).toBeInstanceOf(PermisError);
    expect((err as PermisError).code).toBe('webhook_url_refused');
    expect(err).toBeInstanceOf(RuleError);
    return true;
  }
  return false;
};

describe('webhook URL policy', () => {
  it('accepts public https URLs and loopback receivers', () => {
    for (const url of [
      'https://ajuts.example.cat/hooks',
      'https://8.8.8.8:8443/x',
      'https://[2001:db8::1]/x',
      'https://172.32.0.1/',
      'https://[::ffff:8.8.8.8]/',
      'http://localhost:3000/hooks',
      'http://127.0.0.1:9/x',
      'http://[::1]:8080/x',
    ]) {
      expect(refused(url), url).toBe(false);
    }
    expect(checkWebhookUrl('HTTPS://Example.CAT/a?b=1')).toBe('https://example.cat/a?b=1');
  });

  it('refuses private, link-local and reserved literal addresses in every spelling', () => {
    for (const url of [
      'https://10.0.0.1/',
      'https://10.1/', // = 10.0.0.1
      'https://0xa000001/', // = 10.0.0.1
      'https://012.0.0.1/', // octal = 10.0.0.1
      'https://172.16.0.1/',
      'https://172.31.255.255/',
      'https://192.168.0.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'https://[fc00::1]/',
      'https://[fdff:ffff::1]/',
      'https://[fe80::1]/',
      'https://[ff02::1]/',
      'https://[::]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::192.168.1.1]/',
    ]) {
      expect(refused(url), url).toBe(true);
    }
  });

  it('refuses plain http except on loopback, other schemes, credentials, fragments and junk', () => {
    for (const url of [
      'http://example.cat/hook',
      'http://127.0.0.2/',
      'http://8.8.8.8/',
      'ftp://example.cat/',
      'file:///etc/passwd',
      'https://user:pw@example.cat/',
      'https://example.cat/#frag',
      'not a url',
      '/relative',
      `https://example.cat/${'a'.repeat(2100)}`,
    ]) {
      expect(refused(url), url).toBe(true);
    }
  });
});

describe('webhook retry schedule', () => {
  const fixed = (byte: number): Random => ({ bytes: (n) => new Uint8Array(n).fill(byte) });

  it('backs off exponentially and retries for at least 24 hours even with the smallest jitter', () => {
    const low = fixed(0);
    const high = fixed(255);
    let minTotal = 0;
    let maxTotal = 0;
    for (let attempt = 1; attempt < MAX_WEBHOOK_ATTEMPTS; attempt++) {
      const lo = retryDelayMs(attempt, low)!;
      const hi = retryDelayMs(attempt, high)!;
      expect(lo).toBe(Math.round(RETRY_DELAYS_SECONDS[attempt - 1]! * 1000 * JITTER_MIN));
      expect(hi).toBeLessThan(RETRY_DELAYS_SECONDS[attempt - 1]! * 1000 * JITTER_MAX + 1);
      minTotal += lo;
      maxTotal += hi;
    }
    expect(minTotal).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(maxTotal).toBeLessThan(40 * 3600 * 1000);
    expect(retryDelayMs(1, low)).toBe(4000);
    expect(retryDelayMs(MAX_WEBHOOK_ATTEMPTS, low)).toBeUndefined();
    expect(retryDelayMs(0, low)).toBeUndefined();
  });
});
