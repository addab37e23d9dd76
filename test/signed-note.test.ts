/**
 * C2SP signed notes and tlog checkpoints: byte-for-byte against the Go reference
 * (golang.org/x/mod/sumdb/note's PeterNeumann example, Ed25519 being deterministic), and the
 * verification rules of c2sp.org/signed-note (unknown keys ignored, a bad known signature
 * rejects the note, at least one known key must verify).
 */
import { describe, expect, it } from 'vitest';
import { checkpointText, logOriginOf, parseCheckpoint, signCheckpoint } from '../src/crypto/checkpoint.js';
import {
  ed25519KeyId,
  ed25519NoteSigner,
  formatVerifierKey,
  NoteError,
  parseVerifierKey,
  signNote,
  verifyNote,
} from '../src/crypto/signed-note.js';
import { b64url, fromB64 } from '@permis/sdk/encoding';

// golang.org/x/mod/sumdb/note, note.go's package example.
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SKEY_B64 = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

async function goSigner() {
  const seed = fromB64(GO_SKEY_B64).slice(1);
  const pub = fromB64(GO_VKEY.split('+')[2]!).slice(1);
  const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(pub) }, { name: 'Ed25519' }, false, ['sign']);
  return { signer: await ed25519NoteSigner('PeterNeumann', key, pub), pub };
}

async function freshSigner(name: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { signer: await ed25519NoteSigner(name, pair.privateKey, pub), vkey: await formatVerifierKey(name, pub) };
}

const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof NoteError) return e.reason;
    throw e;
  }
};

describe('C2SP signed notes', () => {
  it('signs and verifies exactly like the Go reference', async () => {
    const { signer, pub } = await goSigner();
    expect(await formatVerifierKey('PeterNeumann', pub)).toBe(GO_VKEY);
    expect(Buffer.from(await ed25519KeyId('PeterNeumann', pub)).toString('hex')).toBe('c74f20a3');
    expect(await signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect(await verifyNote(GO_NOTE, [GO_VKEY])).toEqual({ text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
  });

  it('rejects a changed text, ignores unknown signers, needs a known one', async () => {
    const other = await freshSigner('other.example/log');
    expect(await reason(verifyNote(GO_NOTE.replace('cryptography', 'cryptographY'), [GO_VKEY]))).toBe('signature_invalid');
    // An extra signature from a key the verifier does not know is ignored.
    const cosigned = await signNote(GO_TEXT, [(await goSigner()).signer, other.signer]);
    expect((await verifyNote(cosigned, [GO_VKEY])).verifiedBy).toEqual(['PeterNeumann']);
    expect((await verifyNote(cosigned, [GO_VKEY, other.vkey])).verifiedBy).toEqual(['PeterNeumann', 'other.example/log']);
    expect(await reason(verifyNote(GO_NOTE, [other.vkey]))).toBe('no_trusted_signature');
    // Same name, different key (so different id): unknown, hence no trusted signature.
    const impostor = await freshSigner('PeterNeumann');
    expect(await reason(verifyNote(await signNote(GO_TEXT, [impostor.signer]), [GO_VKEY]))).toBe('no_trusted_signature');
    // A known key id and name with a wrong signature rejects the whole note.
    const forged = GO_NOTE.replace('x08go/ZJ', 'x08go/ZK');
    expect(await reason(verifyNote(forged, [GO_VKEY]))).toBe('signature_invalid');
  });

  it('parses verifier keys whose base64 contains a plus sign', async () => {
    // transparency-dev/formats, note/note_cosigv1_test.go.
    const v = await parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(v.name).toBe('TEST');
    expect(Buffer.from(v.keyId).toString('hex')).toBe('7997405c');
  });

  it('refuses malformed notes and keys', async () => {
    for (const bad of [GO_TEXT, GO_NOTE.slice(0, -1), `${GO_TEXT}\n\n`, GO_NOTE.replace('— ', '- '), GO_NOTE.replace('\nthen', '\u0007then'), GO_NOTE.replace('AM=\n', 'AM\n')]) {
      expect(await reason(verifyNote(bad, [GO_VKEY])), JSON.stringify(bad.slice(-30))).toBe('malformed_note');
    }
    for (const bad of ['PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'PeterNeumann+c74f20a3+AhpcM2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'PeterNeumann+c74f20a3', 'a b+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW']) {
      expect(await reason(parseVerifierKey(bad)), bad).toBe('bad_verifier_key');
    }
  });
});

describe('C2SP tlog checkpoints', () => {
  it('formats, signs, verifies and parses a checkpoint', async () => {
    const origin = logOriginOf('https://permis.example.cat/');
    expect(origin).toBe('permis.example.cat');
    expect(logOriginOf('http://localhost:8787')).toBe('localhost:8787');
    const { signer, vkey } = await freshSigner(origin);
    const root = new Uint8Array(32).fill(7);
    const big = (1n << 62n) + 3n;
    expect(checkpointText({ origin, size: big, root })).toBe(`permis.example.cat\n${big}\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n`);
    const note = await signCheckpoint({ origin, size: big, root }, signer);
    const { text } = await verifyNote(note, [vkey]);
    expect(parseCheckpoint(text)).toEqual({ origin, size: big, root });
    expect(parseCheckpoint(note)).toEqual({ origin, size: big, root });
    expect(note).toMatch(/^permis\.example\.cat\n4611686018427387907\n[A-Za-z0-9+/]{43}=\n\n— permis\.example\.cat [A-Za-z0-9+/]+={0,2}\n$/);
  });

  it('refuses malformed checkpoints', () => {
    const r = 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=';
    for (const bad of [`o\n01\n${r}\n`, `o\n1\n${r}`, `o\n1\n`, `\n1\n${r}\n`, `o\n-1\n${r}\n`, `o\n1\n${r.slice(1)}\n`, `o\n1 \n${r}\n`]) {
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(NoteError);
    }
    expect(parseCheckpoint(`o\n0\n${r}\next\n`).extensions).toEqual(['ext']);
  });
});
