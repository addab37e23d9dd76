-- Consent requests (DESIGN §4.1): a service asks a citizen, the citizen approves with a
-- passkey ceremony bound to the terms, or rejects. Subject bindings make a service's
-- subjectRef identify exactly one citizen.

create table consent_requests (
  id uuid primary key,
  service_id uuid not null references services (id),
  subject_ref text not null,
  purposes text[] not null,
  categories text[] not null,
  processing text[] not null,
  duration_days integer not null check (duration_days > 0),
  notice jsonb not null,                     -- {"version", "texts": {"ca"?, "es"?, "en"?}}
  return_url text,
  status text not null check (status in ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
  expires_at timestamptz not null,
  created_at timestamptz not null,
  decided_at timestamptz,
  citizen_id uuid references citizens (id),
  consent_id uuid references consents (id)
);
create index consent_requests_service on consent_requests (service_id, id);
create index consent_requests_subject on consent_requests (service_id, subject_ref);
create index consent_requests_pending_expiry on consent_requests (expires_at) where status = 'pending';

create table subject_bindings (
  service_id uuid not null references services (id),
  subject_ref text not null,
  citizen_id uuid not null references citizens (id) on delete cascade,
  created_at timestamptz not null,
  primary key (service_id, subject_ref)
);
create index subject_bindings_citizen on subject_bindings (citizen_id);

alter table consents add column request_id uuid references consent_requests (id);
