import { defineMessages } from '../i18n/define.js';

/** The citizen pages' messages. */
export const citizen = defineMessages(
  {
    'citizen.placeholder': '—',
  },
  {
    'citizen.placeholder': '—',
  },
  {
    'citizen.placeholder': '—',
  },
);
