/**
 * The e-mails, written with the portal's own words (notification-text.ts and the `mail.*`
 * messages) in the citizen's language: a plain-text part and a simple, accessible HTML part
 * (a language, a title, a heading, paragraphs, descriptive links written out in full). No
 * images, no tracking pixels, no styles to load, no redirecting links.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ComposeInput, MailContent } from '../../notifications/mail-transport.js';
import { portalTranslator } from '../messages/index.js';
import { notificationText } from '../views/notification-text.js';

function Html(props: { lang: string; title: string; children?: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}

async function html(node: Child): Promise<string> {
  return String(await Promise.resolve(node as never));
}

/** Writes the message for `input` (a confirmation, or a notification). */
export async function composeMail(input: ComposeInput): Promise<MailContent> {
  const t = portalTranslator(input.language);
  const { links } = input;
  if (input.kind === 'confirmation') {
    const subject = t('mail.confirm.subject');
    const text = [t('mail.greeting'), '', t('mail.confirm.body'), '', links.confirm!, '', t('mail.confirm.ignore'), '', '-- ', 'Permís'].join('\n');
    const body = await html(
      <Html lang={input.language} title={subject}>
        <p>{t('mail.greeting')}</p>
        <p>{t('mail.confirm.body')}</p>
        <p>
          <a href={links.confirm}>{t('mail.confirm.button')}</a>
        </p>
        <p>{links.confirm}</p>
        <p>{t('mail.confirm.ignore')}</p>
        <p>Permís</p>
      </Html>,
    );
    return { subject, text, html: body };
  }
  const n = input.notification!;
  const words = notificationText(t, input.language, input.timeZone, n, input.serviceName);
  const footer = [t('mail.why'), t('mail.settings', { url: links.settings }), ...(links.unsubscribe ? [t('mail.unsubscribe', { url: links.unsubscribe })] : [])];
  const text = [t('mail.greeting'), '', words.title, '', words.body, '', `${words.action}: ${links.open}`, '', '-- ', ...footer].join('\n');
  const body = await html(
    <Html lang={input.language} title={words.title}>
      <p>{t('mail.greeting')}</p>
      <h1>{words.title}</h1>
      <p>{words.body}</p>
      <p>
        <a href={links.open}>{words.action}</a>
        <br />
        {links.open}
      </p>
      <hr />
      <footer>
        <p>{t('mail.why')}</p>
        <p>
          <a href={links.settings}>{t('mail.settingsLink')}</a>
        </p>
        {links.unsubscribe ? (
          <p>
            <a href={links.unsubscribe}>{t('mail.unsubscribeLink')}</a>
          </p>
        ) : null}
      </footer>
    </Html>,
  );
  return { subject: words.title, text, html: body };
}
