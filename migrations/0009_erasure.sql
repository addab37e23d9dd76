-- Citizens' own view of the access log and the erasure of an account (DESIGN §4.3, GDPR
-- Arts. 15, 17 and 20; issue 4 items 5 and 6).
--
-- Erasure keeps the Merkle tree intact: an event's personal values (the JSON pointers listed in
-- `pseudonyms`) and its salt are set to null, and the leaf is rebuilt from the stored
-- pseudonyms, byte for byte the same (src/crypto/log-leaf.ts). `redacted_at` marks such rows,
-- so every view can say `redacted: true`.
alter table audit_events add column redacted_at timestamptz;

-- When the citizen asked to be erased: set by the first step (consents withdrawn, services
-- notified); `erased_at` is set by the last one. Both set = done; only the first = an erasure
-- interrupted half-way, which `resumeErasures` (src/erasure/erase-citizen.ts) completes.
alter table citizens add column erasure_requested_at timestamptz;

-- The consent records outlive the account (the controller's proof of the lawful basis; they
-- hold only the service's pseudonymous subjectRef), but their link to the erased citizen is
-- cut, so nothing recorded later about them (a service's check) points back at the account.
alter table consents alter column citizen_id drop not null;

-- A citizen's access log, newest first, one index range per page. Replaces the index on
-- citizen_id alone (same column first, so everything that used it still can).
create index audit_events_citizen_id on audit_events (citizen_id, id) where citizen_id is not null;
drop index audit_events_citizen;
