#!/usr/bin/env node
/**
 * `permis-verify`: checks what a Permís server signed, offline, from a terminal — a consent
 * receipt against the published JWKS, a checkpoint against the log's pinned key, and inclusion
 * and consistency proofs against checkpoints. Exit 0: valid; 1: refused (with the reason);
 * 2: wrong usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import { createPublicClient } from '../clients/public.js';
import { fromB64, sha256, toHex } from '../core/encoding.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../verify/checkpoint.js';
import { verifyConsistencyProof, verifyInclusionProof } from '../verify/log-proofs.js';
import { parsePolicy, type Policy } from '../verify/policy.js';
import { verifyTlogProof } from '../verify/tlog-proof.js';
import { type JwkSet, verifyReceipt } from '../verify/receipt.js';
import { verifyNote } from '../verify/signed-note.js';
import { VerificationError } from '../verify/verification-error.js';

const USAGE = `permis-verify — verify Permís receipts and transparency-log proofs offline
(in a Permís checkout: npm run verify -- <command> …; where @permis/sdk is installed: npx --no -- permis-verify <command> …)

  permis-verify receipt <jws-file|-> (--jwks <file|url> | --server <url>) [--issuer <url>] [--origin <url>] [--rp-id <id>]
  permis-verify checkpoint <note-file|-> (--key <verifier-key|file> | --policy <tlog-policy file>)
  permis-verify inclusion <proof.json|-> --checkpoint <note-file> (--key <verifier-key|file> | --policy <file>) [--leaf <base64 leaf data>]
  permis-verify proof <file.tlog-proof|-> --policy <tlog-policy file> [--leaf-hash <base64>]
  permis-verify consistency <proof.json|-> --old <note-file> --new <note-file> --key <verifier-key|file>
  permis-verify event <event-id> --server <url> --key <verifier-key|file>
  permis-verify release <release.json> --note <signature.note> --key <verifier-key|file> [--checkpoint <note-file>]

  --json   print the result as JSON
  A verifier key is '<name>+<key id>+<base64 key>' (GET /v1/log/key); pin it, do not fetch it each time.
  A policy (c2sp.org/tlog-policy) lists the log keys, the witness keys and the quorum of witness
  cosignatures a checkpoint needs; below the quorum it is refused.
  With --server, the JWKS is fetched from <url>/.well-known/jwks.json and <url> is the expected issuer.
Exit status: 0 valid, 1 refused, 2 usage or input error.`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || a === '--help' || a === '-h') flags.set(a.replace(/^-+/, ''), true);
    else if (a.startsWith('--')) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    } else positional.push(a);
  }
  return { positional, flags };
}

function readInput(source: string): string {
  try {
    return readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${source === '-' ? 'standard input' : source}: ${(err as Error).message}`);
  }
}

function flag(flags: Map<string, string | true>, name: string, required = true): string | undefined {
  const v = flags.get(name);
  if (typeof v === 'string') return v;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

const isUrl = (s: string) => /^https?:\/\//.test(s);

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new UsageError(`${url} answered ${res.status}`);
  return res.text();
}

/** A verifier key given literally or in a file. */
function verifierKey(value: string): string {
  return /^[^\s+]+\+[0-9a-f]{8}\+\S+$/.test(value.trim()) ? value.trim() : readInput(value).trim();
}

function json<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UsageError(`${what} is not JSON`);
  }
}

/** The trust to verify checkpoints with: `--policy <file>` (a tlog-policy) or `--key <vkey>`. */
async function trustFrom(flags: Map<string, string | true>): Promise<string | Policy> {
  const policy = flag(flags, 'policy', false);
  if (policy !== undefined) return parsePolicy(readInput(policy));
  return verifierKey(flag(flags, 'key')!);
}

async function checkpointFrom(file: string, trust: string | Policy): Promise<VerifiedCheckpoint> {
  return verifyCheckpoint(readInput(file), typeof trust === 'string' ? [trust] : trust);
}

const cosignedLine = (cp: VerifiedCheckpoint) =>
  cp.cosignatures.length ? [`  cosigned by ${cp.cosignatures.map((c) => `${c.witness} (${new Date(Number(c.timestamp) * 1000).toISOString()})`).join(', ')}`] : [];

async function run(argv: string[], out: (s: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, input] = positional;
  if (flags.has('help') || !command) {
    out(USAGE);
    return flags.has('help') ? 0 : 2;
  }
  const asJson = flags.has('json');
  const report = (ok: Record<string, unknown>, lines: string[]) => out(asJson ? JSON.stringify({ valid: true, ...ok }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) : lines.join('\n'));
  if (!input) throw new UsageError(`${command}: what to verify is missing`);
  switch (command) {
    case 'receipt': {
      const server = flag(flags, 'server', false)?.replace(/\/+$/, '');
      const jwksSource = flag(flags, 'jwks', !server) ?? `${server}/.well-known/jwks.json`;
      const jwks = json<JwkSet>(isUrl(jwksSource) ? await fetchText(jwksSource) : readInput(jwksSource), 'the JWKS');
      const issuer = flag(flags, 'issuer', false) ?? server;
      const origin = flag(flags, 'origin', false);
      const rpId = flag(flags, 'rp-id', false);
      const r = await verifyReceipt(readInput(input).trim(), jwks, { ...(issuer ? { issuer } : {}), ...(origin ? { origin } : {}), ...(rpId ? { rpId } : {}) });
      const c = r.claims;
      report({ kid: r.header.kid, claims: c, citizenSignature: r.citizenSignature ?? null, hash: r.hash }, [
        `valid receipt ${c.jti} (key ${r.header.kid}${issuer ? `, issuer ${c.iss}` : ''})`,
        `  consent ${c.consentId} revision ${c.revision}: ${c.event} → ${c.status}, valid until ${c.validUntil}`,
        `  termsHash ${c.termsHash} recomputed from the terms (RFC 8785)`,
        `  predecessorHash ${c.predecessorHash ?? 'none (first revision)'}`,
        r.citizenSignature
          ? `  signed by the citizen's passkey (${r.citizenSignature.alg}, credential ${r.citizenSignature.credentialId}) over SHA-256(nonce ‖ termsHash) at ${r.citizenSignature.origin}`
          : '  no citizen passkey signature (not a passkey-confirmed approval)',
      ]);
      return 0;
    }
    case 'checkpoint': {
      const cp = await checkpointFrom(input, await trustFrom(flags));
      const cosignedBy = cp.cosignatures.map((c) => c.witness);
      report({ origin: cp.origin, size: cp.size, root: Buffer.from(cp.root).toString('base64'), verifiedBy: cp.verifiedBy, cosignedBy }, [
        `valid checkpoint of ${cp.origin}: ${cp.size} leaves, root ${Buffer.from(cp.root).toString('base64')}`,
        `  signed by ${cp.verifiedBy.join(', ')}`,
        ...cosignedLine(cp),
      ]);
      return 0;
    }
    case 'inclusion': {
      const cp = await checkpointFrom(flag(flags, 'checkpoint')!, await trustFrom(flags));
      const leaf = flag(flags, 'leaf', false);
      const index = await verifyInclusionProof(json(readInput(input), 'the proof'), cp, leaf ? fromB64(leaf) : undefined);
      report({ index, treeSize: cp.size }, [`valid inclusion proof: leaf ${index} is in ${cp.origin}'s tree of ${cp.size} leaves${leaf ? ' (leaf data checked)' : ''}`]);
      return 0;
    }
    case 'proof': {
      const policy = await parsePolicy(readInput(flag(flags, 'policy')!));
      const leafHashB64 = flag(flags, 'leaf-hash', false);
      const r = await verifyTlogProof(readInput(input), policy, leafHashB64 ? { leafHash: fromB64(leafHashB64) } : {});
      const cp = r.checkpoint;
      report({ index: r.index, origin: cp.origin, treeSize: cp.size, cosignedBy: cp.cosignatures.map((c) => c.witness), extra: r.extra ? new TextDecoder().decode(r.extra) : null }, [
        `valid tlog-proof: leaf ${r.index} is in ${cp.origin}'s tree of ${cp.size} leaves`,
        `  signed by ${cp.verifiedBy.join(', ')}`,
        ...cosignedLine(cp),
        ...(r.extra ? [`  leaf: ${new TextDecoder().decode(r.extra)}`] : []),
      ]);
      return 0;
    }
    case 'consistency': {
      const key = verifierKey(flag(flags, 'key')!);
      const older = await checkpointFrom(flag(flags, 'old')!, key);
      const newer = await checkpointFrom(flag(flags, 'new')!, key);
      await verifyConsistencyProof(json(readInput(input), 'the proof'), older, newer);
      report({ from: older.size, to: newer.size }, [`valid consistency proof: the tree of ${older.size} leaves is a prefix of the tree of ${newer.size}`]);
      return 0;
    }
    case 'release': {
      // An open-data release: its signed note (signed with the log key, first line <origin>/open-data)
      // states the release number, the checkpoint it was computed at and the SHA-256 of release.json.
      const key = verifierKey(flag(flags, 'key')!);
      const { text, verifiedBy } = await verifyNote(readInput(flag(flags, 'note')!), [key]);
      const lines = text.split('\n');
      const origin = key.slice(0, key.indexOf('+'));
      const release = /^release (\d+)$/.exec(lines[1] ?? '')?.[1];
      const cp = /^checkpoint (\d+) (\S+)$/.exec(lines[2] ?? '');
      const digest = /^sha256 ([0-9a-f]{64})$/.exec(lines[3] ?? '')?.[1];
      if (lines[0] !== `${origin}/open-data` || !release || !cp || !digest) throw new VerificationError('malformed_note', 'not an open-data release note of this log');
      const bytes = readFileSync(input === '-' ? 0 : input);
      if (toHex(await sha256(new Uint8Array(bytes))) !== digest) throw new VerificationError('hash_mismatch', `${input} is not the document the note signs (SHA-256 differs)`);
      const doc = json<{ checkpoint?: { treeSize?: string; rootHash?: string } }>(bytes.toString('utf8'), input);
      if (doc.checkpoint?.treeSize !== cp[1] || doc.checkpoint?.rootHash !== cp[2]) throw new VerificationError('checkpoint_mismatch', 'the document states another checkpoint than the note');
      const checkpointFile = flag(flags, 'checkpoint', false);
      const extra: string[] = [];
      if (checkpointFile) {
        const signed = await checkpointFrom(checkpointFile, key);
        if (signed.size.toString() !== cp[1] || Buffer.from(signed.root).toString('base64') !== cp[2]) throw new VerificationError('checkpoint_mismatch', `the checkpoint in ${checkpointFile} is not the one the release was computed at`);
        extra.push(`  the log signed that checkpoint (${checkpointFile})`);
      }
      const corrects = /^corrects (\d+)$/.exec(lines[4] ?? '')?.[1];
      report({ release: Number(release), treeSize: cp[1], rootHash: cp[2], sha256: digest, corrects: corrects ? Number(corrects) : null, verifiedBy }, [
        `valid open-data release ${release} of ${origin}${corrects ? ` (corrects release ${corrects})` : ''}`,
        `  computed at tree size ${cp[1]}, root ${cp[2]}`,
        `  ${input}: SHA-256 ${digest}, signed by ${verifiedBy.join(', ')}`,
        ...extra,
      ]);
      return 0;
    }
    case 'event': {
      const client = createPublicClient({ baseUrl: flag(flags, 'server')! });
      const cp = await client.verifiedCheckpoint(verifierKey(flag(flags, 'key')!));
      const index = await client.verifyEventInLog(input, cp);
      report({ eventId: input, index, treeSize: cp.size }, [`event ${input} is leaf ${index} of ${cp.origin}'s signed tree of ${cp.size} leaves (leaf data and proof checked)`]);
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

run(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof VerificationError) {
      process.stderr.write(`INVALID (${err.reason}): ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(err instanceof UsageError ? `${err.message}\n\n${USAGE}\n` : `error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(2);
  },
);
