import { defineMessages } from '../i18n/define.js';

/** The officer pages' messages. */
export const officer = defineMessages(
  {
    'officer.placeholder': '—',
  },
  {
    'officer.placeholder': '—',
  },
  {
    'officer.placeholder': '—',
  },
);
