-- Webhooks and the events feed (DESIGN §7): one endpoint and signing secret per service,
-- delivery state on the transactional outbox, a log of every delivery attempt, and a
-- commit-safe feed position for the per-service events feed.

-- One endpoint per service. Secrets are Standard Webhooks secrets (`whsec_` + base64 of 32
-- random bytes), stored as is and shown to the service only when created or rotated. After a
-- rotation the previous secret still signs a second signature until previous_secret_expires_at.
create table webhook_endpoints (
  service_id uuid primary key references services (id),
  url text not null,
  secret text not null,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  secret_rotated_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((previous_secret is null) = (previous_secret_expires_at is null))
);

-- Delivery state of each outbox message:
--   pending      due at next_attempt_at (a claimed row's next_attempt_at is its lease expiry)
--   delivered    a 2xx arrived (delivered_at)
--   failed       every retry failed; the job gave up (still in the feed and the log)
--   no_endpoint  the service had no endpoint when it fell due: the feed is its only channel
-- feed_seq is the message's position in the events feed, assigned after commit by a single
-- sequencer (see src/storage/webhook-feed.ts); null until then, and the feed hides it.
alter table webhook_outbox
  add column delivery_status text not null default 'pending'
    check (delivery_status in ('pending', 'delivered', 'failed', 'no_endpoint')),
  add column feed_seq bigint,
  add column lease_id uuid,
  add column last_attempt_at timestamptz;

update webhook_outbox set delivery_status = 'delivered' where delivered_at is not null;

drop index webhook_outbox_due;
create index webhook_outbox_pending on webhook_outbox (next_attempt_at) where delivery_status = 'pending';
create unique index webhook_outbox_feed_seq on webhook_outbox (feed_seq);
create index webhook_outbox_service_feed on webhook_outbox (service_id, feed_seq) where feed_seq is not null;
create index webhook_outbox_unsequenced on webhook_outbox (id) where feed_seq is null;

-- Every delivery attempt, successful or not.
create table webhook_deliveries (
  id uuid primary key,
  message_id uuid not null references webhook_outbox (id),
  service_id uuid not null references services (id),
  event_type text not null,
  attempt integer not null check (attempt >= 1),
  url text not null,
  attempted_at timestamptz not null,
  duration_ms integer not null check (duration_ms >= 0),
  status_code integer,                       -- null when no HTTP response arrived
  error text,                                -- network error or timeout; null when a response arrived
  outcome text not null check (outcome in ('delivered', 'retrying', 'failed')),
  next_attempt_at timestamptz                -- when outcome = 'retrying'
);
create index webhook_deliveries_service on webhook_deliveries (service_id, id);
create index webhook_deliveries_message on webhook_deliveries (message_id, id);
