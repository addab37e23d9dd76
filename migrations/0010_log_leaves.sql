-- The transparency log's leaves and queue in narrow tables of their own (DESIGN §6, issue 4
-- item 8). Until now an event entered the log by an UPDATE of its audit_events row (leaf_index,
-- salt, pseudonyms): never a HOT update, since leaf_index is indexed, so every leaf wrote a new
-- copy of the wide row and a new entry in every one of its indexes. Now the integrator inserts
-- one narrow row per leaf and takes the event off a queue; the log never updates audit_events
-- (only an erasure redacts its rows).
--
-- Neither table has a foreign key to audit_events: a key check and row lock for every event
-- would cost the check path (DESIGN §10), and only the integrator and erasure write them.

-- No event may be written while its leaf data moves (old writers would skip the queue).
lock table audit_events in exclusive mode;

-- Events not yet in the log, by audit_events.seq. The trigger below queues every inserted
-- event, in the inserting transaction, whoever writes it: an event is pending exactly when it
-- has committed. The integrator takes the committed ones in seq order and deletes them in the
-- transaction that gives them their leaves. seq is not commit order: an event that commits
-- late with a smaller seq is taken by a later batch, at the next leaf index.
create table log_pending (
  seq bigint primary key
);

-- One row per leaf, never deleted; leaf_index is contiguous from 0 and never reused or changed.
-- seq: the event (audit_events.seq); one leaf per event.
-- salt: the event's random 32 bytes of the pseudonyms SHA-256(salt ‖ value) of its personal
--   fields; set at integration; erased (null) when the event is redacted.
-- pseudonyms: the committed hashes by JSON pointer (e.g. {"/citizenId": "sha256:…"}), which
--   stand in for erased values so the leaf data stays the same. Written by the redaction that
--   erases the salt (until then they follow from the salt and the values); rows integrated
--   before this migration keep theirs.
create table log_leaves (
  leaf_index bigint primary key check (leaf_index >= 0),
  seq bigint not null unique,
  salt bytea check (length(salt) = 32),
  pseudonyms jsonb
);

insert into log_leaves (leaf_index, seq, salt, pseudonyms)
  select leaf_index, seq, salt, pseudonyms from audit_events where leaf_index is not null;
insert into log_pending (seq)
  select seq from audit_events where leaf_index is null;

-- Once per INSERT statement, however many rows (the check path inserts many in one).
create function log_enqueue() returns trigger language plpgsql as $$
begin
  insert into log_pending (seq) select seq from inserted;
  return null;
end
$$;
create trigger audit_events_log_enqueue after insert on audit_events
  referencing new table as inserted for each statement execute function log_enqueue();

drop index audit_events_pending;
alter table audit_events drop column leaf_index, drop column salt, drop column pseudonyms;
