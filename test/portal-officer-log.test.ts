/**
 * The officer console's log-integrity panel: the latest checkpoint, the
 * consistency of two checkpoints and the inclusion of an event, verified on the server with
 * the SDK's verifiers — ✓ on a real log, ✗ once a stored node hash or an event is tampered with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrateLog } from '../src/log/integrate-log.js';
import { signUpOfficer } from './support/admin.js';
import type { SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { insertEvents, readLog, SET_NODE_SQL } from './support/log.js';
import { getPage } from './support/portal.js';

let t: TestContext;
let officer: SignedInCitizen;
/** Events inserted for the test, and the leaf index of each. */
let ids: string[];
let leafOf: Map<string, bigint>;
/** The sizes of the two checkpoints signed last. */
let first: bigint;
let second: bigint;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const verdict = (html: string, id: string) => new RegExp(`id="${id}" class="verdict (ok|bad)" data-verdict="(ok|failed)"`).exec(html)?.[2];
const panel = async (query = '', lang = 'en') => {
  const out = await getPage(t, `/officer/log${query}`, { token: officer.token, lang });
  return { status: out.res.status, html: out.html };
};
/** Runs `fn` after the `tamper` statement, then puts the database back with the `restore` one. */
async function tampered(tamper: [string, unknown[]], restore: [string, unknown[]], fn: () => Promise<void>): Promise<void> {
  await t.db.query(...tamper);
  try {
    await fn();
  } finally {
    await t.db.query(...restore);
  }
}

beforeAll(async () => {
  t = await createTestContext();
  officer = await signUpOfficer(t);
  // The log in two checkpoints: the sign-up's events and 9 more, then 4 more.
  ids = await insertEvents(t.db, t.clock, 9);
  await integrateLog(t.deps);
  ids.push(...(await insertEvents(t.db, t.clock, 4)));
  await integrateLog(t.deps);
  const sizes = await t.db.query<{ n: string }>('select tree_size::text as n from log_checkpoints order by tree_size desc limit 2');
  [second, first] = sizes.map((r) => BigInt(r.n)) as [bigint, bigint];
  leafOf = new Map();
  for (const id of ids) {
    const proof = (await (await t.app.request(`/v1/log/proof/inclusion?eventId=${id}`)).json()) as { index: string };
    leafOf.set(id, BigInt(proof.index));
  }
});

afterAll(async () => {
  await t?.close();
});

describe(`officer log-integrity panel (${ENGINE})`, () => {
  it('shows the latest checkpoint, its verified signature and the recomputed tree', async () => {
    expect(second - first).toBe(4n);
    const log = await readLog(t.app);
    expect(log.checkpoint.size).toBe(second);
    const { status, html } = await panel();
    expect(status).toBe(200);
    expect(verdict(html, 'checkpoint-verdict')).toBe('ok');
    expect(verdict(html, 'tree-verdict')).toBe('ok');
    expect(html).toContain(`<dd id="checkpoint-size">${second}</dd>`);
    expect(html).toContain(`<dd id="checkpoint-root"><code class="hash">${b64(log.checkpoint.root)}</code></dd>`);
    expect(html).toContain(`<pre id="checkpoint-note">${log.note.replace(/\+/g, '+')}</pre>`);
    for (const id of ['form id="consistency-form"', 'form id="inclusion-form"', 'id="recent-checkpoints"']) expect(html).toContain(id);
    // In Catalan and Spanish too.
    expect((await panel('', 'ca')).html).toContain('Verificat.');
    expect((await panel('', 'es')).html).toContain('Verificado.');
  });

  it('verifies consistency between two signed checkpoints and shows both roots and the proof', async () => {
    const { status, html } = await panel(`?from=${first}&to=${second}`);
    expect(status).toBe(200);
    expect(verdict(html, 'consistency-verdict')).toBe('ok');
    const roots = await t.db.query<{ root: Uint8Array }>('select root from log_checkpoints where tree_size in ($1, $2)', [first.toString(), second.toString()]);
    expect(roots).toHaveLength(2);
    for (const r of roots) expect(html).toContain(`<code class="hash">${b64(new Uint8Array(r.root))}</code>`);
    const result = html.slice(html.indexOf('id="consistency-result"'));
    expect(result.slice(0, result.indexOf('</ol>')).match(/<li><code class="hash">/g)!.length).toBeGreaterThan(0);
    // `to` defaults to the latest checkpoint.
    expect(verdict((await panel(`?from=${first}`)).html, 'consistency-verdict')).toBe('ok');
  });

  it('verifies an event’s inclusion by event id and by leaf index', async () => {
    const byId = await panel(`?event=${ids[4]}`);
    expect(byId.status).toBe(200);
    expect(verdict(byId.html, 'inclusion-verdict')).toBe('ok');
    expect(byId.html).toContain(`<dd id="inclusion-leaf-index">${leafOf.get(ids[4]!)}</dd>`);
    expect(byId.html).toContain(`<code id="inclusion-event-id">${ids[4]}</code>`);
    expect(byId.html).toMatch(/<pre id="inclusion-leaf-data">\{[^<]*&quot;type&quot;:&quot;consent.checked&quot;/);
    const byLeaf = await panel(`?leaf=${leafOf.get(ids[12]!)}`);
    expect(verdict(byLeaf.html, 'inclusion-verdict')).toBe('ok');
    expect(byLeaf.html).toContain(`<code id="inclusion-event-id">${ids[12]}</code>`);
  });

  it('shows ✗ for an inclusion proof through a tampered stored node hash', async () => {
    // The hash of the leaf next to ids[4]'s: the first hash of its audit path.
    const sibling = (leafOf.get(ids[4]!)! ^ 1n).toString();
    const [saved] = await t.db.query<{ hash: Uint8Array }>('select log_node(0, $1) as hash', [sibling]);
    await tampered(
      [SET_NODE_SQL, [0, sibling, new Uint8Array(32).fill(0xab)]],
      [SET_NODE_SQL, [0, sibling, new Uint8Array(saved!.hash)]],
      async () => {
        const { html } = await panel(`?event=${ids[4]}`);
        expect(verdict(html, 'checkpoint-verdict')).toBe('ok'); // the signature itself is fine
        expect(verdict(html, 'inclusion-verdict')).toBe('failed');
        expect(html).toContain('<code>root_mismatch</code>');
        expect(html).toContain('✗');
        expect(html).toContain('<code class="hash">q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=</code>'); // the proof shown is the tampered one
      },
    );
    expect(verdict((await panel(`?event=${ids[4]}`)).html, 'inclusion-verdict')).toBe('ok');
  });

  it('shows ✗ for the stored tree and for consistency once the stored nodes are tampered with', async () => {
    await t.db.query('create table log_tiles_saved as select * from log_tiles');
    await tampered(
      // Every stored hash h becomes SHA-256(h).
      [
        `update log_tiles set hashes = (select string_agg(sha256(substring(hashes from g * 32 + 1 for 32)), ''::bytea order by g)
                                        from generate_series(0, length(hashes) / 32 - 1) as g)`,
        [],
      ],
      [`update log_tiles t set hashes = s.hashes from log_tiles_saved s where s.grp = t.grp and s.idx = t.idx`, []],
      async () => {
        const { html } = await panel(`?event=${ids[6]}&from=${first}&to=${second}`);
        expect(verdict(html, 'checkpoint-verdict')).toBe('ok');
        expect(verdict(html, 'tree-verdict')).toBe('failed');
        expect(verdict(html, 'consistency-verdict')).toBe('failed');
        expect(verdict(html, 'inclusion-verdict')).toBe('failed');
      },
    );
    await t.db.query('drop table log_tiles_saved');
    const { html } = await panel(`?event=${ids[6]}&from=${first}&to=${second}`);
    for (const id of ['tree-verdict', 'consistency-verdict', 'inclusion-verdict']) expect(verdict(html, id), id).toBe('ok');
  });

  it('shows ✗ for an event changed in the database', async () => {
    await tampered(
      [`update audit_events set data = jsonb_set(data, '{n}', '1000') where id = $1`, [ids[3]]],
      [`update audit_events set data = jsonb_set(data, '{n}', '3') where id = $1`, [ids[3]]],
      async () => {
        const changed = await panel(`?event=${ids[3]}`, 'ca');
        expect(verdict(changed.html, 'inclusion-verdict')).toBe('failed');
        expect(changed.html).toContain('No verifica.');
        // Its neighbours still verify: only the altered leaf fails.
        expect(verdict((await panel(`?event=${ids[2]}`)).html, 'inclusion-verdict')).toBe('ok');
      },
    );
    expect(verdict((await panel(`?event=${ids[3]}`)).html, 'inclusion-verdict')).toBe('ok');
  });

  it('shows ✗ for a checkpoint re-signed with another key', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign'])) as CryptoKeyPair;
    const note = (await readLog(t.app)).note;
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(text)));
    const forged = `${text}\n— localhost:8787 ${b64(new Uint8Array([1, 2, 3, 4, ...sig]))}\n`;
    const size = second.toString();
    await tampered(['update log_checkpoints set note = $1 where tree_size = $2', [forged, size]], ['update log_checkpoints set note = $1 where tree_size = $2', [note, size]], async () => {
      const { html } = await panel(`?event=${ids[1]}`);
      expect(verdict(html, 'checkpoint-verdict')).toBe('failed');
      expect(verdict(html, 'inclusion-verdict')).toBe('failed');
      expect(html).toContain('no_trusted_signature');
    });
  });

  it('explains unusable input next to the field', async () => {
    const none = await panel(`?from=${first - 1n}&to=${second}`, 'en');
    expect(none.status).toBe(400);
    expect(none.html).toMatch(/id="f-from"[^>]*aria-invalid="true"/);
    expect(none.html).toContain('No checkpoint was signed at this size.');
    const order = await panel(`?from=${second}&to=${first}`);
    expect(order.html).toContain('The older size cannot be larger than the newer one.');
    const unknown = await panel(`?event=${crypto.randomUUID()}`, 'es');
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('No hay ningún evento con este identificador.');
    const [pending] = await insertEvents(t.db, t.clock, 1);
    expect((await panel(`?event=${pending}`)).html).toContain('This event is not in the log yet.');
    expect((await panel(`?leaf=${second}`)).html).toMatch(/id="f-leaf"[^>]*aria-invalid="true"/);
    expect((await panel('?event=nope')).html).toMatch(/id="f-event"[^>]*aria-invalid="true"/);
  });
});
