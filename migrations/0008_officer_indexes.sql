-- The officer's view of the access log (DESIGN §4.4, issue 4 item 4): indexes for searching,
-- paging, exporting and counting audit events.
--
-- Every page is ordered by (created_at, id) and continues after the last row of the previous
-- page (keyset pagination), so each index ends in (created_at, id): with an equality filter
-- on the leading column, a page is one ordered index range scan that stops after `limit`
-- rows, however large the table, in either direction.
--
-- Every index here is also written by every check (the hot path, DESIGN §10), so only what
-- pays for itself is indexed:
--   * time alone, service, subject and denials: the searches DESIGN §4.4 names that are
--     selective, or that need the time order over the whole table;
--   * event type and actor: selective only for the rare kinds of event (transitions, requests,
--     admin and officer actions), so both indexes are partial and leave checks out — checks
--     pay nothing for them, and a search for checks is served by the time index, since checks
--     are most of the table;
--   * purpose, category and reason: a few dozen values over most rows, stored in jsonb as a
--     string (checks) or an array (transitions and requests). An index would cost every check
--     while selecting a large share of rows; they filter the scan of a time, service or
--     subject index instead.

-- All events in time order: unfiltered pages, time ranges, exports, stats.
create index audit_events_time on audit_events (created_at, id);

-- One service's events in time order (checks, requests, transitions).
create index audit_events_service_time on audit_events (service_id, created_at, id);

-- One subject's checks and requests (the service's subjectRef), in time order.
create index audit_events_subject_time on audit_events ((data ->> 'subjectRef'), created_at, id)
  where (data ->> 'subjectRef') is not null;

-- Denied checks: rare, and what officers review first.
create index audit_events_denied_time on audit_events (created_at, id)
  where (data ->> 'decision') = 'deny';

-- Events of a type other than the check, by type.
create index audit_events_type_time on audit_events (type, created_at, id)
  where type <> 'consent.checked';

-- What one citizen, admin or officer did (services' own actions are found by service).
create index audit_events_actor_time on audit_events (actor_id, created_at, id)
  where actor_type <> 'service';

-- A subjectRef also names the consents given under it, whose transition events carry the
-- consent id only: find those consents whichever service holds them.
create index consents_subject_ref on consents (subject_ref);

-- The planner's estimates for the jsonb fields officers filter on: without these it assumes
-- 0.5% of rows match any of them (and partial indexes keep no statistics of their own), so it
-- would walk the whole time index for one subject rather than OR the subject and consent
-- indexes together.
create statistics audit_events_data_stats on ((data ->> 'subjectRef')), ((data ->> 'purpose')), ((data ->> 'decision')), ((data ->> 'reason'))
  from audit_events;
