import { defineMessages } from '../i18n/define.js';

/** The landing page for people not signed in. */
export const home = defineMessages(
  {
    'landing.title': 'Les teves dades, les teves decisions',
    'landing.what': 'Amb Permís decideixes quins serveis de la ciutat poden fer servir quines dades teves, per a què i fins quan. Pots retirar un permís en qualsevol moment, i veure qui ha fet servir les teves dades.',
    'landing.how1': 'Un servei et demana permís amb un enllaç.',
    'landing.how2': 'Llegeixes què demana, en el teu idioma, i ho confirmes amb l’empremta, la cara o el PIN del teu dispositiu.',
    'landing.how3': 'Després pots veure, pausar o retirar el permís, i comprovar cada ús.',
    'landing.howTitle': 'Com funciona',
  },
  {
    'landing.title': 'Tus datos, tus decisiones',
    'landing.what': 'Con Permís decides qué servicios de la ciudad pueden usar qué datos tuyos, para qué y hasta cuándo. Puedes retirar un permiso en cualquier momento y ver quién ha usado tus datos.',
    'landing.how1': 'Un servicio te pide permiso con un enlace.',
    'landing.how2': 'Lees qué pide, en tu idioma, y lo confirmas con la huella, la cara o el PIN de tu dispositivo.',
    'landing.how3': 'Después puedes ver, pausar o retirar el permiso, y comprobar cada uso.',
    'landing.howTitle': 'Cómo funciona',
  },
  {
    'landing.title': 'Your data, your decisions',
    'landing.what': 'With Permís you decide which city services may use which of your data, for what and until when. You can withdraw a permission at any time, and see who used your data.',
    'landing.how1': 'A service asks for your permission with a link.',
    'landing.how2': 'You read what it asks, in your language, and confirm with your device’s fingerprint, face or PIN.',
    'landing.how3': 'Afterwards you can view, pause or withdraw the permission, and check every use.',
    'landing.howTitle': 'How it works',
  },
);
