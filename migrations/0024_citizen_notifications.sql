-- Citizens hear about what matters: an inbox of notifications written in the same transaction
-- as the event that causes them, an opt-in e-mail address (stored encrypted), a mail outbox
-- delivered at least once with a delivery log, and services' requests to renew a consent.

-- One row per thing a citizen is told. `dedupe_key` names the event (e.g. the 30-day reminder
-- of one consent's validity): the unique key makes every producer idempotent, so replicas and
-- restarts never tell the same thing twice. The text is not stored: the portal and the e-mail
-- render `type` and `data` in the reader's language.
create table citizen_notifications (
  id uuid primary key,
  citizen_id uuid not null references citizens (id) on delete cascade,
  type text not null,
  dedupe_key text not null,
  consent_id uuid references consents (id),
  request_id uuid references consent_requests (id),
  data jsonb not null default '{}',
  created_at timestamptz not null,
  read_at timestamptz,
  unique (citizen_id, dedupe_key)
);
create index citizen_notifications_inbox on citizen_notifications (citizen_id, id);
create index citizen_notifications_unread on citizen_notifications (citizen_id) where read_at is null;
create index citizen_notifications_consent on citizen_notifications (consent_id, type) where consent_id is not null;
create index citizen_notifications_request on citizen_notifications (request_id) where request_id is not null;

-- The citizen's language for notifications and the channels they turned off per event type
-- ({"<type>": ["email"]}, {"<type>": ["inbox", "email"]}); security notices ignore it.
create table citizen_notification_settings (
  citizen_id uuid primary key references citizens (id) on delete cascade,
  language text not null check (language in ('ca', 'es', 'en')),
  muted jsonb not null default '{}',
  updated_at timestamptz not null
);

-- At most one e-mail address per citizen, as a compact JWE (RFC 7516, `dir` + A256GCM) under a
-- key derived from the key-encryption key. Nothing but the confirmation is sent while it is
-- unconfirmed. A new address is a new row (new id), so links made for the old one stop working.
create table citizen_email_addresses (
  id uuid primary key,
  citizen_id uuid not null unique references citizens (id) on delete cascade,
  address_jwe text not null,
  status text not null check (status in ('unconfirmed', 'confirmed')),
  created_at timestamptz not null,
  confirmed_at timestamptz
);

-- The mail outbox: one row per e-mail to send, claimed with a lease (`for update skip locked`)
-- and retried with backoff; `dead` is the dead-letter state, retried only by an admin.
--   pending  due at next_attempt_at (a claimed row's next_attempt_at is its lease expiry)
--   sent     the SMTP server (or mail API) accepted it (sent_at)
--   skipped  no longer to be sent: address removed or changed, event obsolete, channel off
--   dead     every attempt failed, or the server refused it permanently
create table notification_mail (
  id uuid primary key,
  citizen_id uuid not null references citizens (id) on delete cascade,
  address_id uuid not null,
  kind text not null check (kind in ('confirmation', 'notification')),
  notification_id uuid unique references citizen_notifications (id) on delete cascade,
  event_type text not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'skipped', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  lease_id uuid,
  last_attempt_at timestamptz,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null,
  check ((kind = 'notification') = (notification_id is not null))
);
create index notification_mail_due on notification_mail (next_attempt_at) where status = 'pending';
create index notification_mail_status on notification_mail (status, id);
create index notification_mail_citizen on notification_mail (citizen_id);

-- Every attempt, for operators: when, how long, what happened (never the address).
create table notification_mail_attempts (
  id uuid primary key,
  mail_id uuid not null references notification_mail (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  attempted_at timestamptz not null,
  duration_ms integer not null check (duration_ms >= 0),
  outcome text not null check (outcome in ('sent', 'retrying', 'dead', 'skipped')),
  error text
);
create index notification_mail_attempts_mail on notification_mail_attempts (mail_id, id);

-- A service asks the citizen to renew a consent that ends soon. One pending request per consent.
create table renewal_requests (
  id uuid primary key,
  consent_id uuid not null references consents (id),
  service_id uuid not null references services (id),
  valid_until timestamptz not null,            -- the end of validity it asks to renew
  status text not null check (status in ('pending', 'renewed', 'declined', 'lapsed')),
  created_at timestamptz not null,
  decided_at timestamptz
);
create unique index renewal_requests_one_pending on renewal_requests (consent_id) where status = 'pending';
create index renewal_requests_service on renewal_requests (service_id, id);

-- The reminder scan reads live consents by the end of their validity (consents_expiry) and
-- pending requests by their deadline (consent_requests_pending_expiry): both indexes exist.
