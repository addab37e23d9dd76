/**
 * `npm run mail:dev`: a local SMTP server that prints every message Permís sends (who to, the
 * subject, the language, the unsubscribe headers and the text with its links). Point Permís at
 * it with `SMTP_URL=smtp://127.0.0.1:2525`. Options: `--port N` (default 2525, or MAIL_DEV_PORT).
 */
import { startDevMailServer } from './dev-mail-server.js';

function portArg(): number {
  const i = process.argv.indexOf('--port');
  const text = i >= 0 ? process.argv[i + 1] : process.env.MAIL_DEV_PORT;
  const n = Number(text ?? 2525);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    process.stderr.write(`mail:dev: not a port: ${text}\n`);
    process.exit(2);
  }
  return n;
}

const server = await startDevMailServer({
  port: portArg(),
  onMessage(m) {
    const h = m.parsed.headers;
    // RFC 5322 §2.2.3: unfold, then read the list headers (mailparser folds them into `list`).
    const unfolded = m.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const field = (name: string) => new RegExp(`^${name}: ([^\\r\\n]*)`, 'im').exec(unfolded)?.[1];
    const lines = [
      `--- message ${new Date().toISOString()} ---`,
      `To: ${m.to.join(', ')}`,
      `From: ${m.parsed.from?.text ?? m.from}`,
      `Subject: ${m.parsed.subject ?? ''}`,
      `Content-Language: ${String(h.get('content-language') ?? '')}`,
      ...(field('List-Unsubscribe') ? [`List-Unsubscribe: ${field('List-Unsubscribe')}`] : []),
      ...(field('List-Unsubscribe-Post') ? [`List-Unsubscribe-Post: ${field('List-Unsubscribe-Post')}`] : []),
      '',
      (m.parsed.text ?? '').trimEnd(),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});
process.stdout.write(`Local mail server on smtp://127.0.0.1:${server.port}: start Permís with SMTP_URL=${server.url} to see its e-mail here.\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
