/**
 * Seeds the benchmark database fast: services through the real registry (`createService`,
 * each with a real Ed25519 key in its JWKS), then citizens, subject bindings and consents
 * written directly with `insert … select` over `generate_series`, in chunks, two at a time,
 * with a progress bar. Seeded consents are valid rows for the check (status, terms columns,
 * validity, subject binding) but "seeded directly": no receipts, revisions or audit events,
 * and `terms_hash` is a SHA-256 of the jsonb text rather than of the JCS form.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { systemClock, systemRandom } from '../src/domain/runtime.js';
import type { Db } from '../src/storage/db.js';
import { createService } from '../src/services/create-service.js';
import { citizensFor, consentsPerService, SERVICES, subjectsPerService, VARIANTS, variantsOf } from './layout.js';
import { progressBar } from './progress.js';

/** A service key pair; the public half is in the registered JWKS. */
export interface BenchKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** What was seeded. */
export interface Seeded {
  /** Service ids in SERVICES order; [0] is the measured service. */
  serviceIds: string[];
  /** The measured service's client id and key. */
  clientId: string;
  key: BenchKey;
  subjectsPerService: number;
  citizens: number;
  consents: number;
  bindings: number;
  seconds: number;
}

const SUBJECTS_PER_CHUNK = 2500;
const PARALLEL = 2;

async function newKey(): Promise<BenchKey> {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `bench-${Buffer.from(systemRandom.bytes(6)).toString('hex')}`;
  return { kid, privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

const ISO = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// One chunk of subjects [$1, $2) of every service: their bindings and their consents, in one
// statement. The hashes are the SQL twins of variantOf / statusDrawOf in layout.ts.
const CHUNK_SQL = `
with g as (
  select s.idx, s.service_id, s.terms_base, k,
         s.prefix || lpad(k::text, 7, '0') as ref,
         md5('bench-citizen-' || ((k + s.idx * 7919) % $4::int))::uuid as citizen_id,
         ((k::bigint * 2654435761 + s.idx * 97) % ${VARIANTS})::int as v,
         ((k::bigint * 40503 + s.idx * 9973) % 1000)::int as draw,
         ((k::bigint * 69069 + s.idx * 1013) % 100003)::int as h
  from bench.services s cross join generate_series($1::int, $2::int - 1) as k
),
cur as (
  select g.*, 1 as nth, var.purposes, var.categories, var.processing, var.valid_days,
         case when draw < 820 then 'active' when draw < 880 then 'withdrawn' when draw < 930 then 'paused'
              when draw < 960 then 'expired' when draw < 980 then 'revoked' else 'active' end as status,
         case when (draw >= 930 and draw < 960) or draw >= 980
              then $3::timestamptz - make_interval(days => var.valid_days + 1 + h % 60, secs => h % 86400)
              else $3::timestamptz - make_interval(days => 1 + h % (var.valid_days - 30), secs => h % 86400) end as created_at
  from g join bench.variants var on var.s = g.idx and var.v = g.v
),
old as (
  select g.*, 2 as nth, var.purposes, var.categories, var.processing, var.valid_days, 'withdrawn' as status,
         $3::timestamptz - make_interval(days => var.valid_days + 400 + h % 200, secs => h % 86400) as created_at
  from g join bench.variants var on var.s = g.idx and var.v = (g.v + 17) % ${VARIANTS}
  where g.k % 10 = 0
),
timed as (
  select r.*, r.created_at + make_interval(days => r.valid_days) as valid_until,
         case when r.nth = 2 then r.created_at + interval '10 days'
              when r.status = 'expired' then r.created_at + make_interval(days => r.valid_days)
              when r.status in ('withdrawn', 'paused', 'revoked') then r.created_at + ($3::timestamptz - r.created_at) * ((r.h % 90 + 5) / 100.0)
              else r.created_at end as updated_at
  from (select * from cur union all select * from old) r
),
shaped as (
  select t.*, t.terms_base || jsonb_build_object(
           'subjectRef', t.ref, 'purposes', to_jsonb(t.purposes), 'dataCategories', to_jsonb(t.categories),
           'processing', to_jsonb(t.processing), 'validFrom', ${ISO('t.created_at')}, 'validUntil', ${ISO('t.valid_until')}) as terms
  from timed t
),
bound as (
  insert into subject_bindings (service_id, subject_ref, citizen_id, created_at)
  select service_id, ref, citizen_id, $3::timestamptz - make_interval(days => 800) from g
  returning 1
),
ins as (
  insert into consents (id, service_id, citizen_id, subject_ref, revision, status, terms, terms_hash, purposes, categories,
    processing, valid_from, valid_until, collection_method, created_at, updated_at, ended_at, end_reason, last_receipt_hash)
  select md5('bench-consent-' || idx || '-' || k || '-' || nth)::uuid, service_id, citizen_id, ref,
         case when updated_at = created_at then 1 else 2 end, status, terms,
         rtrim(translate(encode(sha256(convert_to(terms::text, 'UTF8')), 'base64'), '+/', '-_'), '='),
         purposes, categories, processing, created_at, valid_until, 'seeded-bench', created_at, updated_at,
         case when status in ('withdrawn', 'revoked', 'expired') then updated_at end,
         case when status = 'revoked' then 'The service closed the case (seeded).' end,
         ''
  from shaped
  returning 1
)
select (select count(*) from ins) as consents, (select count(*) from bound) as bindings`;

/**
 * Seeds at least `consents` consents over SERVICES (see layout.ts) into the migrated `db`,
 * with a progress bar on stderr, then vacuums, analyses and checkpoints so the measurement
 * does not pay for the bulk load.
 */
export async function seed(db: Db, consents: number): Promise<Seeded> {
  const started = performance.now();
  const now = systemClock.now();
  const k = subjectsPerService(consents);
  const citizens = citizensFor(k);
  const total = SERVICES.length * consentsPerService(k);

  process.stderr.write(`registering ${SERVICES.length} services through the registry…\n`);
  const keys: BenchKey[] = [];
  const serviceIds: string[] = [];
  for (const def of SERVICES) {
    const key = await newKey();
    const service = await createService(
      db,
      {
        clientId: def.clientId,
        name: { ca: def.name, es: def.name, en: def.name },
        description: { ca: 'Servei del banc de proves', es: 'Servicio del banco de pruebas', en: 'A benchmark service' },
        controller: { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacy' },
        purposes: def.purposes,
        categories: def.categories,
        processing: def.processing,
        jwks: { keys: [key.publicJwk] },
      },
      { clock: systemClock, random: systemRandom, actor: { type: 'admin', id: 'bench' } },
    );
    keys.push(key);
    serviceIds.push(service.id);
  }

  await db.exec(`
    create schema bench;
    create table bench.services (idx int primary key, service_id uuid not null, prefix text not null, terms_base jsonb not null);
    create table bench.variants (s int not null, v int not null, purposes text[] not null, categories text[] not null,
      processing text[] not null, valid_days int not null, primary key (s, v));`);
  for (const [s, def] of SERVICES.entries()) {
    const termsBase = {
      service: serviceIds[s],
      controller: { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacy' },
      legalBasis: 'dpv:Consent',
      jurisdiction: 'ES',
      notice: { language: 'ca', version: '2026-01', sha256: 'seeded-bench' },
      collectionMethod: 'seeded-bench',
    };
    await db.query('insert into bench.services (idx, service_id, prefix, terms_base) values ($1, $2, $3, $4::jsonb)', [s, serviceIds[s], def.prefix, termsBase]);
    const vs = variantsOf(s);
    await db.query(
      `insert into bench.variants (s, v, purposes, categories, processing, valid_days)
       select $1, v - 1, string_to_array(p, ','), string_to_array(c, ','), string_to_array(o, ','), d
       from unnest($2::text[], $3::text[], $4::text[], $5::int[]) with ordinality as t(p, c, o, d, v)`,
      [s, vs.map((x) => x.purposes.join(',')), vs.map((x) => x.categories.join(',')), vs.map((x) => x.processing.join(',')), vs.map((x) => x.validDays)],
    );
  }

  process.stderr.write(`seeding ${citizens.toLocaleString('en-US')} citizens…\n`);
  await db.query(
    `insert into citizens (id, webauthn_user_id, display_name, created_at)
     select md5('bench-citizen-' || i)::uuid, 'bench-' || i, 'Ciutadà ' || i, $2::timestamptz - make_interval(days => 800 + i % 700)
     from generate_series(0, $1::int - 1) as i`,
    [citizens, now],
  );

  // Bulk load: the secondary indexes are dropped and rebuilt afterwards from their own
  // definitions (far cheaper than a million random index inserts); foreign-key triggers are
  // skipped for the chunk transactions (every reference is built to exist).
  const secondary = await db.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
     join pg_class c on c.relname = i.indexname join pg_index x on x.indexrelid = c.oid
     where i.schemaname = 'public' and i.tablename in ('consents', 'subject_bindings') and not x.indisunique`,
  );
  for (const ix of secondary) await db.exec(`drop index ${ix.name}`);
  const bar = progressBar('seeding consents', total, 'consents');
  let next = 0;
  let bindings = 0;
  const worker = async () => {
    while (next < k) {
      const from = next;
      const to = Math.min(k, from + SUBJECTS_PER_CHUNK);
      next = to;
      const [r] = await db.transaction(async (tx) => {
        await tx.query("set local session_replication_role = 'replica'");
        // The planner overestimates generate_series and would JIT-compile every chunk (~1 s each).
        await tx.query('set local jit = off');
        return tx.query<{ consents: bigint; bindings: bigint }>(CHUNK_SQL, [from, to, now, citizens]);
      });
      bindings += Number(r!.bindings);
      bar.tick(Number(r!.consents));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  bar.done();

  process.stderr.write(`rebuilding ${secondary.length} indexes, vacuum analyze, checkpoint…\n`);
  await Promise.all(
    [0, 1].map(async (w) => {
      for (const ix of secondary.filter((_, i) => i % 2 === w)) {
        await db.transaction(async (tx) => {
          await tx.query("set local maintenance_work_mem = '256MB'");
          await tx.exec(ix.def);
        });
      }
    }),
  );
  // VACUUM refuses to run in a multi-statement string: one at a time.
  for (const t of ['consents', 'subject_bindings', 'citizens', 'services']) await db.exec(`vacuum (analyze) ${t}`);
  await db.exec('checkpoint');
  const [count] = await db.query<{ n: bigint }>('select count(*) as n from consents');
  return {
    serviceIds,
    clientId: SERVICES[0]!.clientId,
    key: keys[0]!,
    subjectsPerService: k,
    citizens,
    consents: Number(count!.n),
    bindings,
    seconds: (performance.now() - started) / 1000,
  };
}
