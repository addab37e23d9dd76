/**
 * A real pg_auto_failover formation for the cluster suite and `npm run bench:failover`: a
 * monitor and two PostgreSQL 15 nodes (Debian's postgresql-15-auto-failover and
 * pg-auto-failover-cli), run as the `postgres` OS user in a temporary folder, on local ports,
 * with the failover settings recommended in docs/production.md. Killing a node kills its
 * pg_autoctl process group, its postmaster and the postmaster's children with SIGKILL (a host
 * that dies). `stop()` kills everything it started and removes the folder; an exit handler
 * does the same if the process ends first.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * The settings docs/production.md recommends, which make writes resume within ~10 s of the
 * primary's death. Monitor (`pgautofailover.*`, milliseconds): how fast a dead primary is
 * noticed and how long it gets to demote itself. Keepers (`timeout.*`, seconds): a primary cut
 * off from monitor and standby for `network_partition_timeout` demotes itself, which must be
 * shorter than the monitor's `primary_demote_timeout`, so that there are never two primaries.
 */
export const RECOMMENDED_SETTINGS = {
  monitor: {
    'pgautofailover.health_check_period': 1000,
    'pgautofailover.health_check_timeout': 1000,
    'pgautofailover.health_check_max_retries': 1,
    'pgautofailover.health_check_retry_delay': 500,
    'pgautofailover.node_considered_unhealthy_timeout': 2000,
    'pgautofailover.primary_demote_timeout': 3000,
  },
  keeper: {
    'timeout.network_partition_timeout': 2,
    'timeout.prepare_promotion_walreceiver': 1,
    'timeout.postgresql_restart_failure_timeout': 2,
    'timeout.postgresql_restart_failure_max_retries': 1,
  },
} as const;

/** One data node of the formation. */
export interface FormationNode {
  name: string;
  port: number;
  pgdata: string;
  /** The `pg_autoctl … --run` process (leader of its process group) while it runs. */
  child?: ChildProcess;
}

/** A node's state as the monitor sees it. */
export interface NodeState {
  name: string;
  port: number;
  reported: string;
  assigned: string;
}

/** A running formation. */
export interface Formation {
  dir: string;
  monitorPort: number;
  nodes: FormationNode[];
  /** The multi-host URL of database `db` (`target_session_attrs=read-write`), as `pg_autoctl show uri` gives it, user postgres. */
  uri(db?: string): Promise<string>;
  /** Every node's state, from the monitor. */
  states(): Promise<NodeState[]>;
  /** Waits until one node is primary and the other secondary, both as assigned; returns the primary. */
  waitStable(seconds?: number): Promise<FormationNode>;
  /** Waits until a node other than `old` reports a primary state; returns it. */
  waitPromoted(old: FormationNode, seconds?: number): Promise<FormationNode>;
  /** SIGKILL to the node's pg_autoctl, postmaster and every postmaster child. */
  kill(node: FormationNode): void;
  /** Starts a killed node again (`pg_autoctl run`): it rejoins as a standby. */
  restart(node: FormationNode): void;
  /** Kills everything and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

/** Whether this machine can run a formation (the Debian packages are installed). */
export function formationAvailable(): boolean {
  return existsSync('/usr/bin/pg_autoctl') && existsSync(join(PG_BIN, 'pg_ctl'));
}

/** `base`, `base + 1`, `base + 2` free on 127.0.0.1, trying higher bases (step 10) below `limit`. */
export async function freePortRun(base: number, count: number, limit: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (let b = base; b + count <= limit; b += 10) {
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(b + i);
    if (ok) return b;
  }
  throw new Error(`no ${count} free ports from ${base} below ${limit}`);
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Starts a monitor and two nodes; resolves once they are primary and secondary with `settings` applied. */
export async function createFormation(opts: { basePort: number; settings?: typeof RECOMMENDED_SETTINGS; log?: (line: string) => void }): Promise<Formation> {
  const settings = opts.settings ?? RECOMMENDED_SETTINGS;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'permis-cluster-'));
  const env = {
    PATH: `${PG_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    // pg_autoctl keeps its configuration and state under XDG folders: all inside `dir`.
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    HOME: dir,
    LANG: 'C.UTF-8',
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const cmd = (args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', 'pg_autoctl', ...args]] : ['pg_autoctl', args]);
  const children: ChildProcess[] = [];
  const started = (args: string[], logName: string): ChildProcess => {
    const [file, argv] = cmd(args);
    const out = openSync(join(dir, `${logName}.log`), 'a');
    const child = spawn(file, argv, { env, detached: true, stdio: ['ignore', out, out], cwd: dir });
    closeSync(out);
    children.push(child);
    child.unref();
    writeFileSync(join(dir, 'pids'), children.map((c) => c.pid).join('\n') + '\n');
    return child;
  };
  const autoctl = async (args: string[]) => {
    const [file, argv] = cmd(args);
    return (await run(file, argv, { env, cwd: dir })).stdout;
  };

  const basePort = await freePortRun(opts.basePort, 3, opts.basePort + 900);
  const monitorPort = basePort;
  const monitorData = join(dir, 'monitor');
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=require`;
  const monitorChild = started(
    ['create', 'monitor', '--pgdata', monitorData, '--pgport', String(monitorPort), '--hostname', '127.0.0.1', '--auth', 'trust', '--ssl-self-signed', '--run'],
    'monitor',
  );
  const nodes: FormationNode[] = [1, 2].map((i) => ({ name: `node${i}`, port: basePort + i, pgdata: join(dir, `node${i}`) }));
  let monitorSql: postgres.Sql | undefined;
  let stopped = false;

  const killTree = (pgdata: string, child?: ChildProcess) => {
    const pids: number[] = [];
    try {
      const pm = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pm > 0) {
        pids.push(pm);
        const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pm)]).toString();
        pids.push(...kids.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0));
      }
    } catch {
      /* no postmaster running */
    }
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  const stopAll = () => {
    if (stopped) return;
    stopped = true;
    for (const n of nodes) killTree(n.pgdata, n.child);
    killTree(monitorData, monitorChild);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopAll);

  const states = async (): Promise<NodeState[]> => {
    monitorSql ??= postgres(`postgres://postgres@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=require`, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    const rows = await monitorSql<{ nodename: string; nodeport: number; reportedstate: string; goalstate: string }[]>`
      select nodename, nodeport, reportedstate::text, goalstate::text from pgautofailover.node order by nodeid`;
    return rows.map((r) => ({ name: r.nodename, port: r.nodeport, reported: r.reportedstate, assigned: r.goalstate }));
  };
  const until = async <T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> => {
    const end = Date.now() + seconds * 1000;
    let last: unknown;
    while (Date.now() < end) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`formation: ${what} not within ${seconds} s${last ? ` (${String(last)})` : ''}; states: ${JSON.stringify(await states().catch(() => []))}`);
  };
  const byPort = (port: number) => nodes.find((n) => n.port === port)!;
  const PRIMARY = new Set(['primary', 'wait_primary', 'single']);

  const formation: Formation = {
    dir,
    monitorPort,
    nodes,
    async uri(db = 'postgres') {
      const out = await autoctl(['show', 'uri', '--formation', 'default', '--monitor', monitorUrl]);
      const u = out.trim().split('\n').pop()!.trim();
      if (!/^postgres:\/\/[^/]+,/.test(u)) throw new Error(`unexpected formation URI: ${u}`);
      return u.replace('postgres://', 'postgres://postgres@').replace(/\/postgres\?/, `/${db}?`);
    },
    states,
    waitStable: (seconds = 120) =>
      until('one primary and one secondary', seconds, async () => {
        const s = await states();
        const p = s.find((n) => n.reported === 'primary' && n.assigned === 'primary');
        const sec = s.find((n) => n.reported === 'secondary' && n.assigned === 'secondary');
        return s.length === 2 && p && sec ? byPort(p.port) : undefined;
      }),
    waitPromoted: (old, seconds = 60) =>
      until('a new primary', seconds, async () => {
        const p = (await states()).find((n) => n.port !== old.port && PRIMARY.has(n.reported) && PRIMARY.has(n.assigned));
        return p ? byPort(p.port) : undefined;
      }),
    kill(node) {
      killTree(node.pgdata, node.child);
      delete node.child;
    },
    restart(node) {
      node.child = started(['run', '--pgdata', node.pgdata], node.name);
    },
    async stop() {
      await monitorSql?.end({ timeout: 1 }).catch(() => {});
      stopAll();
      process.removeListener('exit', stopAll);
    },
  };

  try {
    await until('the monitor', 60, async () => ((await autoctl(['show', 'state', '--monitor', monitorUrl]).catch(() => '')) ? true : undefined));
    log(`monitor up on ${monitorPort}`);
    const monitorAdmin = postgres(`postgres://postgres@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=require`, { max: 1, onnotice: () => {} });
    try {
      for (const [k, v] of Object.entries(settings.monitor)) await monitorAdmin.unsafe(`alter system set ${k} = ${v}`);
      await monitorAdmin`select pg_reload_conf()`;
    } finally {
      await monitorAdmin.end();
    }
    for (const n of nodes) {
      n.child = started(
        ['create', 'postgres', '--pgdata', n.pgdata, '--pgport', String(n.port), '--pghost', '127.0.0.1', '--hostname', '127.0.0.1',
          '--name', n.name, '--monitor', monitorUrl, '--auth', 'trust', '--ssl-self-signed', '--run'],
        n.name,
      );
      // The first node must be the primary before the second registers.
      if (n === nodes[0]) {
        await until('the first node', 90, async () => ((await states()).some((s) => s.port === n.port && PRIMARY.has(s.reported)) ? true : undefined));
      }
    }
    await formation.waitStable(150);
    for (const n of nodes) {
      await until(`the configuration of ${n.name}`, 30, async () => (existsSync(join(n.pgdata, 'postmaster.pid')) ? true : undefined));
      for (const [k, v] of Object.entries(settings.keeper)) await autoctl(['config', 'set', '--pgdata', n.pgdata, k, String(v)]);
    }
    log('formation stable');
    return formation;
  } catch (err) {
    await formation.stop();
    throw err;
  }
}
