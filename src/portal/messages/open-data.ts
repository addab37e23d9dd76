import { defineMessages } from '../i18n/define.js';

/** Open data: the public statistics pages and the officers' releases. */
export const openData = defineMessages(
  {
    'error.release_immutable': 'Aquesta publicació ja és pública i no es pot canviar. Si cal, prepara’n una correcció.',
    'error.no_checkpoint': 'Encara no hi ha cap punt de control publicat al registre: no es pot preparar cap publicació.',
  },
  {
    'error.release_immutable': 'Esta publicación ya es pública y no se puede cambiar. Si hace falta, prepara una corrección.',
    'error.no_checkpoint': 'Todavía no hay ningún punto de control publicado en el registro: no se puede preparar ninguna publicación.',
  },
  {
    'error.release_immutable': 'This release is already public and cannot change. If needed, prepare a correction.',
    'error.no_checkpoint': 'The log has no published checkpoint yet: no release can be prepared.',
  },
);
