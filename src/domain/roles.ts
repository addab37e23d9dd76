/**
 * Roles a passkey account may hold and the one-time enrolment codes that
 * grant them. Pure rules, no I/O.
 */
import { sha256, toHex } from '@permis/sdk/encoding';
import type { Random } from './runtime.js';

/** The roles a citizen account can hold besides being a citizen. */
export const roles = ['admin', 'officer'] as const;
export type Role = (typeof roles)[number];

/** True when `s` names a role. */
export const isRole = (s: string): s is Role => (roles as readonly string[]).includes(s);

/** Where an invitation (an enrolment code) stands at a given time. */
export const invitationStatuses = ['pending', 'redeemed', 'expired', 'revoked'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

/** Random bytes in an enrolment code: 160 bits, well above the 128 bits required. */
export const ENROLMENT_CODE_BYTES = 20;

/** How long an enrolment code stays redeemable. */
export const ENROLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;

// RFC 4648 §6 base32 alphabet: no 0/1/8/9, so a printed code is hard to misread.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODE_CHARS = (ENROLMENT_CODE_BYTES * 8) / 5;
const NORMALISED = new RegExp(`^[A-Z2-7]{${CODE_CHARS}}$`);

/** RFC 4648 §6 base32 without padding (the input length is a multiple of 5 bytes here). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * A fresh enrolment code: 160 random bits as 32 base32 characters in groups of four
 * (`ABCD-EFGH-…`), easy to read out and type. Shown once; only its hash is stored.
 */
export function newEnrolmentCode(random: Random): string {
  const chars = base32(random.bytes(ENROLMENT_CODE_BYTES));
  return chars.match(/.{4}/g)!.join('-');
}

/**
 * The canonical form of a typed code (upper case, without hyphens or spaces), or undefined
 * when it cannot be a code we issued.
 */
export function normaliseEnrolmentCode(input: string): string | undefined {
  const s = input.replace(/[\s-]/g, '').toUpperCase();
  return NORMALISED.test(s) ? s : undefined;
}

/** SHA-256 (hex) of the canonical form of `code`: what the database stores and looks up. */
export async function hashEnrolmentCode(normalisedCode: string): Promise<string> {
  return toHex(await sha256(normalisedCode));
}

/**
 * The link an enrolment code travels in, for the portal: the code sits in the fragment, which
 * browsers never send to a server, so it stays out of access logs.
 */
export const enrolUrl = (publicUrl: string, code: string): string => `${publicUrl.replace(/\/+$/, '')}/enrol#code=${code}`;
