import { PGlite } from '@electric-sql/pglite';
let t = Date.now();
for (let i = 0; i < 4; i++) {
  const pg = await PGlite.create();
  console.log('create', Date.now() - t); t = Date.now();
  await pg.close();
}
const pg = await PGlite.create();
const dump = await pg.dumpDataDir('gzip');
console.log('dump gz', Date.now() - t, dump.size); t = Date.now();
const p2 = await PGlite.create({ loadDataDir: dump });
console.log('load gz', Date.now() - t); t = Date.now();
