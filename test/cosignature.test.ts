/**
 * Witness cosignatures (c2sp.org/tlog-cosignature) and trust policies (c2sp.org/tlog-policy).
 *
 * The fixed vectors were derived by hand from the spec's definitions, outside this code, with
 * coreutils and OpenSSL 3.0 only:
 * - keys: RFC 8032 §7.1 TEST 1 (witness `witness.example/w1`) and TEST 2 (log
 *   `example.com/behind-the-sofa`), whose seeds and public keys are printed in the RFC;
 * - key ids: `{ printf 'witness.example/w1\n'; printf '\x04'; echo <TEST 1 public key hex> | xxd -r -p; } | sha256sum | cut -c1-8`
 *   (SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4], §Format) → eb762cc2; with 0x01 and the log's name
 *   (c2sp.org/signed-note) → 37bc54d7;
 * - the signed message: the spec's own example (`cosignature/v1`, `time 1679315147`, the
 *   checkpoint of example.com/behind-the-sofa), written with `printf` to a file, and signed with
 *   `openssl pkeyutl -sign -rawin -inkey <TEST 1 key as PKCS#8>` (Ed25519 is deterministic);
 * - the line: `base64(key id ‖ printf '%016x' 1679315147 ‖ signature)`, i.e. the
 *   `timestamped_signature` struct with its u64 big-endian timestamp (§Format, RFC 8446 §3.3);
 * - the log's signature: the checkpoint text signed the same way with the TEST 2 key.
 */
import { describe, expect, it } from 'vitest';
import { cosignatureKeyId, cosignatureLine, cosignatureMessage, ed25519Cosigner, formatCosignerKey, parseCosignerKey, verifyCosignatures } from '../src/crypto/cosignature.js';
import { NoteError } from '../src/crypto/signed-note.js';
import { b64, b64url, fromB64, toHex } from '@permis/sdk/encoding';
import { parsePolicy, quorumMet, verifyCheckpoint, verifyInclusionProof } from '@permis/sdk/verify';
import { signCheckpoint } from '../src/crypto/checkpoint.js';
import { ed25519NoteSigner, formatVerifierKey } from '../src/crypto/signed-note.js';
import { leafHash, nodeHash } from '@permis/sdk/verify';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));
// RFC 8032 §7.1 TEST 1 and TEST 2.
const W_SEED = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const W_PUB = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const L_SEED = hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
const L_PUB = hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');

const W_NAME = 'witness.example/w1';
const W_VKEY = 'witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea';
const L_VKEY = 'example.com/behind-the-sofa+37bc54d7+AT1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM';
const CP_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const LOG_LINE = '— example.com/behind-the-sofa N7xU1+abfjKmQX7u2YhTdYaOXrug9rsbMBefB1zqpTMCh7Qbu95DTTW6yAHrIQI/NYE44uaYFncmQ4kfoZLG679blQk=\n';
const COSIG_LINE =
  '— witness.example/w1 63YswgAAAABkGFDL+TPmh4BYuAjsYRoqMJCWb/gWJaeRF/kmm5tlCr9sJ57DLErur7K0yDXc2ArN+TIuotuB/HbuL3AJsp3bv/aNCQ==\n';
const NOTE = `${CP_TEXT}\n${LOG_LINE}${COSIG_LINE}`;

async function privateKey(seed: Uint8Array, pub: Uint8Array) {
  return crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(pub) }, { name: 'Ed25519' }, false, ['sign']);
}

async function fresh(name: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { priv: pair.privateKey, pub, name };
}

const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    if (e instanceof NoteError) return e.reason;
    throw e;
  }
};

describe('cosignature/v1 against vectors derived by hand', () => {
  it('computes the key id SHA-256(name ‖ "\\n" ‖ 0x04 ‖ key)[:4] and the 0x04 vkey', async () => {
    expect(toHex(await cosignatureKeyId(W_NAME, W_PUB))).toBe('eb762cc2');
    const cosigner = await ed25519Cosigner(W_NAME, await privateKey(W_SEED, W_PUB), W_PUB);
    expect(formatCosignerKey(cosigner)).toBe(W_VKEY);
    // The signed-note (0x01) key id of the same key differs: a note key is not a cosigner key.
    expect(toHex((await parseCosignerKey(W_VKEY)).keyId)).not.toBe('6d141fc1');
    expect(await reason(parseCosignerKey(await formatVerifierKey(W_NAME, W_PUB)))).toBe('bad_verifier_key');
  });

  it('builds the signed message of the spec’s example byte for byte', () => {
    expect(new TextDecoder().decode(cosignatureMessage(CP_TEXT, 1679315147n))).toBe(
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('signs the line OpenSSL produced and verifies it with its timestamp', async () => {
    const cosigner = await ed25519Cosigner(W_NAME, await privateKey(W_SEED, W_PUB), W_PUB);
    expect(await cosignatureLine(CP_TEXT, cosigner, 1679315147n)).toBe(COSIG_LINE);
    const found = await verifyCosignatures(NOTE, [W_VKEY]);
    expect(found.map((c) => [c.name, c.timestamp])).toEqual([[W_NAME, 1679315147n]]);
    // The log's own signature (TEST 2 key) verifies as an ordinary note signature.
    const log = await ed25519NoteSigner('example.com/behind-the-sofa', await privateKey(L_SEED, L_PUB), L_PUB);
    expect(await signCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163n, root: fromB64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=') }, log)).toBe(`${CP_TEXT}\n${LOG_LINE}`);
  });

  it('refuses a cosignature whose timestamp, signature or checkpoint was changed', async () => {
    const bytes = fromB64(COSIG_LINE.split(' ')[2]!.trim());
    const line = (b: Uint8Array) => `— ${W_NAME} ${b64(b)}\n`;
    const laterTime = bytes.slice();
    laterTime[11]! ^= 1;
    expect(await reason(verifyCosignatures(`${CP_TEXT}\n${line(laterTime)}`, [W_VKEY]))).toBe('signature_invalid');
    const badSig = bytes.slice();
    badSig[40]! ^= 0x80;
    expect(await reason(verifyCosignatures(`${CP_TEXT}\n${line(badSig)}`, [W_VKEY]))).toBe('signature_invalid');
    const otherRoot = CP_TEXT.replace('CsUY', 'DsUY');
    expect(await reason(verifyCosignatures(`${otherRoot}\n${COSIG_LINE}`, [W_VKEY]))).toBe('signature_invalid');
    // timestamp 2^63 (MUST NOT exceed 2^63 - 1)
    const huge = bytes.slice();
    huge.set(hex('8000000000000000'), 4);
    expect(await reason(verifyCosignatures(`${CP_TEXT}\n${line(huge)}`, [W_VKEY]))).toBe('signature_invalid');
    // A line whose name or key id matches no configured cosigner is ignored.
    const other = await fresh('witness.example/w2');
    const otherVkey = formatCosignerKey({ name: other.name, keyId: await cosignatureKeyId(other.name, other.pub), publicKey: other.pub });
    expect(await verifyCosignatures(NOTE, [otherVkey])).toEqual([]);
  });

  it('never signs a zero or oversized timestamp', async () => {
    const cosigner = await ed25519Cosigner(W_NAME, await privateKey(W_SEED, W_PUB), W_PUB);
    expect(await reason(cosignatureLine(CP_TEXT, cosigner, 0n))).toBe('malformed_note');
    expect(await reason(cosignatureLine(CP_TEXT, cosigner, 1n << 63n))).toBe('malformed_note');
  });
});

describe('tlog-policy', () => {
  it('parses logs, witnesses, groups and the quorum, with comments and tabs', async () => {
    const p = await parsePolicy(`# two of three\nlog ${L_VKEY} https://log.example\n\n  witness A\t${W_VKEY} https://a.example\n${await vkeyOf('B')}\n${await vkeyOf('C')}\ngroup G 2 A B C\nquorum G\n`);
    expect(p.logs.map((l) => [l.origin, l.url])).toEqual([['example.com/behind-the-sofa', 'https://log.example']]);
    expect(p.witnesses.map((w) => w.name)).toEqual(['A', 'B', 'C']);
    expect(p.witnesses[0]!.url).toBe('https://a.example');
    expect(p.groups).toEqual([{ name: 'G', threshold: 2, members: ['A', 'B', 'C'] }]);
    expect(p.quorum).toBe('G');
    expect(quorumMet(p, new Set(['A']))).toBe(false);
    expect(quorumMet(p, new Set(['A', 'C']))).toBe(true);
  });

  it('evaluates nested groups, any, all and none as the spec’s example', async () => {
    const ws = await Promise.all(['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'].map((n) => vkeyOf(n)));
    const p = await parsePolicy(`${ws.join('\n')}\ngroup X 2 X1 X2 X3\ngroup Y any Y1 Y2 Y3\ngroup XY all X Y\nquorum XY\n`);
    expect(quorumMet(p, new Set(['X1', 'X2']))).toBe(false);
    expect(quorumMet(p, new Set(['X1', 'X3', 'Y2']))).toBe(true);
    expect(quorumMet(p, new Set(['X1', 'Y1', 'Y2', 'Y3']))).toBe(false);
    expect(quorumMet(await parsePolicy('quorum none\n'), new Set())).toBe(true);
  });

  it('refuses every malformed policy with bad_policy', async () => {
    const a = await vkeyOf('A');
    const bad = [
      '',
      'log not-a-key\nquorum none',
      `${a}\nquorum B`,
      `${a}\n${a.replace('witness A', 'witness B')}\nquorum A`, // duplicate key
      `${a}\nwitness A ${W_VKEY}\nquorum A`, // duplicate name
      `${a}\ngroup G 2 A\nquorum G`, // k > n
      `${a}\ngroup G 0 A\nquorum G`,
      `${a}\ngroup G any A A\nquorum G`,
      `group G any A\n${a}\nquorum G`, // member defined later
      `${a}\nquorum A\nquorum A`,
      `${a}\nquorum A\nfrobnicate`,
      `${a}\nwitness none ${W_VKEY}\nquorum A`,
      `${a}\r\nquorum A`,
      `log ${W_VKEY}\nquorum none`, // a cosigner key is not a log key
      `witness A ${L_VKEY}\nquorum A`, // nor the other way round
    ];
    for (const text of bad) expect(await reason(parsePolicy(text)), text).toBe('bad_policy');
  });
});

describe('verifyCheckpoint and verifyInclusionProof with a policy', () => {
  it('accepts a checkpoint meeting the quorum and refuses one below it', async () => {
    const policy = await parsePolicy(`log ${L_VKEY}\nwitness W ${W_VKEY}\nquorum W\n`);
    const v = await verifyCheckpoint(NOTE, policy);
    expect(v.size).toBe(20852163n);
    expect(v.cosignatures.map((c) => [c.witness, c.timestamp])).toEqual([['W', 1679315147n]]);
    expect(await reason(verifyCheckpoint(`${CP_TEXT}\n${LOG_LINE}`, policy))).toBe('quorum_not_met');
    // Without the log's signature, cosignatures alone are worth nothing.
    expect(await reason(verifyCheckpoint(`${CP_TEXT}\n${COSIG_LINE}`, policy))).toBe('no_trusted_signature');
    // A policy without logs needs the log key given apart.
    const noLogs = await parsePolicy(`witness W ${W_VKEY}\nquorum W\n`);
    expect(await reason(verifyCheckpoint(NOTE, noLogs))).toBe('no_trusted_signature');
    expect((await verifyCheckpoint(NOTE, noLogs, { logKeys: [L_VKEY] })).cosignatures).toHaveLength(1);
    // The key-list form is unchanged.
    expect((await verifyCheckpoint(NOTE, [L_VKEY])).cosignatures).toEqual([]);
  });

  it('counts 2 of 3 witnesses and binds the inclusion proof to a witnessed root only', async () => {
    const log = await fresh('city.example/log');
    const logSigner = await ed25519NoteSigner(log.name, log.priv, log.pub);
    const ws = await Promise.all(['w1.example', 'w2.example', 'w3.example'].map(fresh));
    const cosigners = await Promise.all(ws.map((w) => ed25519Cosigner(w.name, w.priv, w.pub)));
    const policy = await parsePolicy(
      `log ${await formatVerifierKey(log.name, log.pub)}\n${cosigners.map((c, i) => `witness W${i + 1} ${formatCosignerKey(c)}`).join('\n')}\ngroup Q 2 W1 W2 W3\nquorum Q\n`,
    );
    const leaves = await Promise.all(['a', 'b', 'c'].map((s) => leafHash(new TextEncoder().encode(s))));
    const root = await nodeHash(await nodeHash(leaves[0]!, leaves[1]!), leaves[2]!);
    const note = await signCheckpoint({ origin: log.name, size: 3n, root }, logSigner);
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const one = note + (await cosignatureLine(text, cosigners[0]!, 1_800_000_000n));
    const two = one + (await cosignatureLine(text, cosigners[2]!, 1_800_000_001n));
    const body = { index: '2', treeSize: '3', leafHash: b64(leaves[2]!), proof: [b64(await nodeHash(leaves[0]!, leaves[1]!))] };
    expect(await reason(verifyInclusionProof(body, { note: one, policy }))).toBe('quorum_not_met');
    expect(await verifyInclusionProof(body, { note: two, policy }, new TextEncoder().encode('c'))).toBe(2n);
    expect((await verifyCheckpoint(two, policy)).cosignatures.map((c) => c.witness)).toEqual(['W1', 'W3']);
  });
});

async function vkeyOf(name: string): Promise<string> {
  const k = await fresh(`${name.toLowerCase()}.witness.example`);
  return `witness ${name} ${formatCosignerKey({ name: k.name, keyId: await cosignatureKeyId(k.name, k.pub), publicKey: k.pub })}`;
}
