import { b64url, utf8 } from '@permis/sdk/encoding';

/**
 * The pairwise pseudonym of a citizen for one service (in the manner of OpenID
 * Connect Core §8.1): HMAC-SHA-256 over both ids, so two services can never correlate a
 * citizen by it and the citizen's internal id never leaves Permís.
 */
export async function pairwiseSubject(secret: Uint8Array, citizenId: string, serviceId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`${serviceId}\n${citizenId}`) as BufferSource);
  return `ps-${b64url(new Uint8Array(mac))}`;
}
