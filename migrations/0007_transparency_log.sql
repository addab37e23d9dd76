-- The access log as a transparency log (DESIGN §6, issue 4): every audit event becomes a
-- leaf of an RFC 6962/9162 Merkle tree. The integrator (one at a time, under an advisory
-- lock) gives pending events contiguous leaf indices, stores the hashes of the complete
-- subtrees, and signs a C2SP checkpoint, all in one transaction per batch.

-- leaf_index: null until integrated; never reused, never changed.
-- salt: the per-event random 32 bytes of the pseudonyms SHA-256(salt ‖ value) of personal fields; set at
--   integration; erased (null) together with the personal values when a citizen is erased.
-- pseudonyms: the committed hashes by JSON pointer (e.g. {"/citizenId": "sha256:…"}),
--   which stand in for the erased values so the leaf data stays the same.
alter table audit_events
  add column leaf_index bigint unique check (leaf_index >= 0),
  add column salt bytea check (length(salt) = 32),
  add column pseudonyms jsonb;
create index audit_events_pending on audit_events (seq) where leaf_index is null;

-- Node (level, idx) is the root of the perfect subtree over leaves [idx·2^level, (idx+1)·2^level);
-- level 0 holds the leaf hashes. Only complete subtrees are stored, once, never updated.
create table log_nodes (
  level smallint not null check (level between 0 and 63),
  idx bigint not null check (idx >= 0),
  hash bytea not null check (length(hash) = 32),
  primary key (level, idx)
);

-- One signed checkpoint per tree size (c2sp.org/tlog-checkpoint); each extends the previous one.
create table log_checkpoints (
  tree_size bigint primary key check (tree_size >= 0),
  root bytea not null check (length(root) = 32),
  note text not null,
  created_at timestamptz not null
);
