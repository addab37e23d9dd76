-- The transparency log's identity and the checkpoints it may serve.
--
-- log_identity: the log's origin (also the checkpoint key name, c2sp.org/tlog-checkpoint), fixed
-- in the transaction of the first checkpoint and never changed, so that replicas configured with
-- different public URLs still sign one log under one name. One row at most.
create table log_identity (
  only_row boolean primary key default true check (only_row),
  origin text not null check (origin ~ '^[!-~]+$' and position('+' in origin) = 0),
  created_at timestamptz not null default now()
);

-- An existing log keeps the origin it is served under: that of its latest checkpoint.
insert into log_identity (origin, created_at)
select split_part(note, E'\n', 1), created_at from log_checkpoints order by tree_size desc limit 1;

-- published: the checkpoint may be served. The integrator inserts a checkpoint unpublished and
-- publishes it once its commit has been confirmed (on a cluster: flushed by the synchronous
-- standby), so that no reader ever sees a checkpoint that a failover could take back and then
-- sign again with another root for the same size (a fork, which C2SP tlog-witness treats as
-- log misbehavior). Checkpoints signed before this migration are published.
alter table log_checkpoints add column published boolean not null default true;
