import { createBenchDatabase } from './database.ts';
import { seed } from './seed.ts';
const d = await createBenchDatabase('postgres://postgres@127.0.0.1:5432/postgres');
try {
  const s = await seed(d.db, Number(process.argv[2] ?? 100000));
  console.log({ ...s, key: undefined });
  console.log(await d.db.query(`select status, count(*), min(valid_until) , max(valid_until) from consents group by 1`));
  console.log(await d.db.query(`select subject_ref, status, revision, purposes, categories, processing, created_at, updated_at, valid_until, terms from consents order by subject_ref limit 3`));
  console.log(await d.db.query(`select pg_size_pretty(pg_total_relation_size('consents')) c, pg_size_pretty(pg_database_size(current_database())) d`));
} finally { if (process.env.KEEP) console.log("KEPT", d.name); else await d.drop(); }
