-- Witnesses (c2sp.org/tlog-witness, c2sp.org/tlog-cosignature), both sides.

-- As a witness (`permis witness`): the latest checkpoint cosigned per log origin, with the log's
-- signature and ours (served on the monitoring prefix). One row per origin, read with
-- `for update` and written in the same transaction, so two submissions for one origin cannot
-- both pass the old-size check (tlog-witness: checking and persisting "must be performed
-- atomically").
create table witness_checkpoints (
  origin text primary key,
  tree_size bigint not null check (tree_size >= 0),
  root bytea not null check (length(root) = 32),
  note text not null,
  cosigned_at timestamptz not null
);

-- As a log: what each configured witness (by its vkey) is known to have cosigned last (learned
-- from its 200 answers and its 409 `text/x.tlog.size` bodies), and how the last attempt went.
create table log_witness_state (
  witness_key text primary key,
  tree_size bigint check (tree_size >= 0),
  last_success_at timestamptz,
  last_attempt_at timestamptz,
  last_error text,
  failures integer not null default 0
);

-- As a log: the cosignature lines obtained for each checkpoint (one per witness key).
create table log_cosignatures (
  tree_size bigint not null check (tree_size >= 0),
  witness_key text not null,
  line text not null,
  cosigned_at timestamptz not null,
  primary key (tree_size, witness_key)
);
