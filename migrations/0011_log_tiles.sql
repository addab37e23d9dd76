-- The stored subtree hashes of the transparency log in tiles (DESIGN §6, issue 4 item 8).
-- Until now each complete subtree was a row of log_nodes: a proof of a 10M-leaf tree looked up
-- ~25 rows, each in a different page of a 20M-entry index and of the table, which no longer fit
-- in shared buffers. A tile holds the 30 nodes of levels 4g … 4g+3 under one node of level
-- 4g+4 (group g), so a proof reads ~6 rows through an index of a few MB (the idea of C2SP
-- tlog-tiles; src/storage/log-tiles.ts).
--
-- hashes: the tile's complete nodes, 32 bytes each, in post-order (left, right, parent): the
-- order in which an append-only tree completes them. A tile only grows at its end; a node is
-- stored exactly when its position is below length(hashes) / 32. Nodes are still written once
-- and never changed: the integrator appends to a partial tile, checking its length first.
create table log_tiles (
  grp smallint not null check (grp between 0 and 15),
  idx bigint not null check (idx >= 0),
  hashes bytea not null check (length(hashes) between 32 and 960 and length(hashes) % 32 = 0),
  primary key (grp, idx)
);
-- At most 960 bytes: always stored inline, never compressed (they are hashes).
alter table log_tiles alter column hashes set storage plain;

-- The tile (group, index) of node (level, idx) and its post-order position in the tile (0 … 29):
-- j is the node's place on its level inside the tile and k the tile's bottom-level nodes complete
-- when it completes; before it come the nodes complete by then on levels up to its own, less its
-- ancestors in the tile that complete with the same bottom node. For operators and tests; the
-- server computes the same in TypeScript (nodeSlot).
create function log_node_slot(level int, idx bigint, out grp smallint, out tile bigint, out pos int)
language sql immutable strict as $$
  select (s.l / 4)::smallint, s.i >> (4 - s.r),
         (s.k + s.k / 2 + s.k / 4 + s.k / 8 - 1
          - (s.r < 1 and s.k % 2 = 0)::int - (s.r < 2 and s.k % 4 = 0)::int - (s.r < 3 and s.k % 8 = 0)::int)::int
  from (select q.l, q.i, q.r, ((q.i & ((1::bigint << (4 - q.r)) - 1)) + 1) << q.r as k
        from (select level as l, idx as i, level % 4 as r) q) s
$$;

-- The hash of stored node (level, idx), or null: for operators and tests.
create function log_node(level int, idx bigint) returns bytea
language sql stable strict as $$
  select substring(t.hashes from s.pos * 32 + 1 for 32)
  from log_node_slot(level, idx) s
  join log_tiles t on t.grp = s.grp and t.idx = s.tile
  where length(t.hashes) >= (s.pos + 1) * 32
$$;

lock table log_nodes in exclusive mode;

-- One pass over the nodes: each one's slot (log_node_slot, inlined: a function call per row costs
-- more than the arithmetic), the tiles assembled in post-order, with what the check needs.
set local work_mem = '256MB';
create temporary table log_tiles_moved on commit drop as
  select p.grp, p.tile, string_agg(p.hash, ''::bytea order by p.pos) as hashes, count(*) as nodes, max(p.pos) as last
  from (
    select (k.level / 4)::smallint as grp, k.idx >> (4 - k.r) as tile, k.hash,
           k.k + k.k / 2 + k.k / 4 + k.k / 8 - 1
             - (k.r < 1 and k.k % 2 = 0)::int - (k.r < 2 and k.k % 4 = 0)::int - (k.r < 3 and k.k % 8 = 0)::int as pos
    from (select n.level, n.idx, n.hash, n.level % 4 as r,
                 ((n.idx & ((1::bigint << (4 - n.level % 4)) - 1)) + 1) << (n.level % 4) as k
          from log_nodes n) k
  ) p
  group by p.grp, p.tile;

-- What was stored must be a post-order prefix of every tile; anything else is a damaged log,
-- which this migration refuses to hide.
do $$
begin
  if exists (select 1 from log_tiles_moved where last + 1 <> nodes) then
    raise exception 'log_nodes is not a set of complete subtrees of one append-only tree';
  end if;
end
$$;

insert into log_tiles (grp, idx, hashes) select grp, tile, hashes from log_tiles_moved;
drop table log_nodes;
