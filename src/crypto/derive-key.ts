/**
 * Derives a 32-byte sub-key from a master key with HKDF-SHA-256 (RFC 5869), so one
 * configured secret can serve several independent purposes.
 */
export async function deriveKey(master: Uint8Array, info: string): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey('raw', master as BufferSource, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode(info) },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}
