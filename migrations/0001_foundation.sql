-- Permís foundation schema: catalogue, services, citizens and passkeys, sessions,
-- consents with revisions and receipts, audit events, webhook outbox, signing keys.
-- The same SQL runs on PGlite and on a PostgreSQL server.

create table catalogue_terms (
  kind text not null check (kind in ('purpose', 'category', 'processing')),
  code text not null check (code ~ '^[a-z][a-z0-9-]{1,63}$'),
  dpv text,                                  -- W3C DPV term, e.g. dpv:ServiceProvision, pd:Location
  label jsonb not null,                      -- {"ca": …, "es": …, "en": …}
  description jsonb not null,                -- plain-language text in ca, es, en
  sensitive boolean not null default false,  -- GDPR Art. 9 special category
  max_validity_days integer check (max_validity_days > 0),  -- cap on a consent's duration
  created_at timestamptz not null default now(),
  primary key (kind, code)
);

create table services (
  id uuid primary key,
  client_id text not null unique check (client_id ~ '^[a-z][a-z0-9-]{1,63}$'),
  name jsonb not null,
  description jsonb not null,
  controller jsonb not null,                 -- {"name", "dpoContact", "policyUrl"}
  purposes text[] not null,
  categories text[] not null,
  processing text[] not null default '{}',
  jwks jsonb not null default '{"keys": []}',
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table citizens (
  id uuid primary key,
  webauthn_user_id text not null unique,     -- random user handle (base64url), never the id
  display_name text not null,
  created_at timestamptz not null,
  erased_at timestamptz
);

create table passkeys (
  id text primary key,                       -- credential id, base64url
  citizen_id uuid not null references citizens (id) on delete cascade,
  public_key bytea not null,                 -- COSE_Key
  counter bigint not null default 0,
  transports text[] not null default '{}',
  device_type text not null,
  backed_up boolean not null,
  name text not null,
  created_at timestamptz not null,
  last_used_at timestamptz
);
create index passkeys_citizen on passkeys (citizen_id);

create table webauthn_challenges (
  id uuid primary key,
  purpose text not null check (purpose in ('signup', 'signin', 'add-passkey', 'approve')),
  challenge text not null,
  citizen_id uuid references citizens (id) on delete cascade,
  context jsonb not null default '{}',
  expires_at timestamptz not null
);

create table sessions (
  id uuid primary key,
  token_hash text not null unique,           -- SHA-256 of the opaque token; the token itself is never stored
  citizen_id uuid not null references citizens (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text
);
create index sessions_citizen on sessions (citizen_id);

create table consents (
  id uuid primary key,
  service_id uuid not null references services (id),
  citizen_id uuid not null references citizens (id),
  subject_ref text not null,
  revision integer not null check (revision >= 1),
  status text not null check (status in ('active', 'paused', 'withdrawn', 'revoked', 'expired')),
  terms jsonb not null,                      -- the exact terms object that termsHash covers
  terms_hash text not null,
  purposes text[] not null,
  categories text[] not null,
  processing text[] not null,
  valid_from timestamptz not null,
  valid_until timestamptz not null,
  collection_method text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  ended_at timestamptz,
  end_reason text,
  last_receipt_hash text not null
);
create index consents_citizen on consents (citizen_id, id);
create index consents_service_subject on consents (service_id, subject_ref);
create index consents_expiry on consents (valid_until) where status in ('active', 'paused');

create table consent_revisions (
  consent_id uuid not null references consents (id),
  revision integer not null,
  event text not null,
  status text not null,
  terms jsonb not null,
  terms_hash text not null,
  predecessor_hash text,
  reason text,
  created_at timestamptz not null,
  primary key (consent_id, revision)
);

create table receipts (
  id uuid primary key,                       -- the receipt's jti
  consent_id uuid not null references consents (id),
  revision integer not null,
  event text not null,
  jws text not null,
  kid text not null,
  receipt_hash text not null,                -- SHA-256 of the compact JWS, base64url
  created_at timestamptz not null,
  unique (consent_id, revision)
);

create table audit_events (
  id uuid primary key,
  seq bigserial unique,
  type text not null,
  actor_type text not null check (actor_type in ('citizen', 'service', 'admin', 'officer', 'system')),
  actor_id text,
  citizen_id uuid,
  service_id uuid,
  consent_id uuid,
  request_id text,
  data jsonb not null default '{}',
  created_at timestamptz not null
);
create index audit_events_consent on audit_events (consent_id);
create index audit_events_citizen on audit_events (citizen_id);

create table webhook_outbox (
  id uuid primary key,                       -- becomes the Standard Webhooks webhook-id
  service_id uuid not null references services (id),
  event_type text not null,
  payload jsonb not null,
  created_at timestamptz not null,
  delivered_at timestamptz,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null
);
create index webhook_outbox_due on webhook_outbox (next_attempt_at) where delivered_at is null;

create table signing_keys (
  kid text primary key,
  use text not null check (use in ('receipt', 'token', 'checkpoint')),
  public_jwk jsonb not null,
  private_jwe text,                          -- private JWK encrypted under the key-encryption key (RFC 7516); null when it comes from configuration
  status text not null check (status in ('active', 'retired')),
  created_at timestamptz not null,
  retired_at timestamptz
);
create unique index signing_keys_one_active on signing_keys (use) where status = 'active';

create table idempotency_keys (
  scope text not null,                       -- who sent it (citizen or service id) and the route
  key text not null,
  request_hash text not null,
  status integer,                            -- null while the first request is in flight
  body jsonb,
  created_at timestamptz not null,
  primary key (scope, key)
);
