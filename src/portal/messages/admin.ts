import { defineMessages } from '../i18n/define.js';

/** The admin pages' messages. */
export const admin = defineMessages(
  {
    'admin.placeholder': '—',
  },
  {
    'admin.placeholder': '—',
  },
  {
    'admin.placeholder': '—',
  },
);
