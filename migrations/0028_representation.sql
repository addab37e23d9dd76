-- Acting on someone else's behalf (issue 20): parental authority and guardianship of a minor,
-- support measures for adults (Ley 8/2021) and voluntary representation (Ley 39/2015 Art. 5).
-- See docs/representation.md for the legal bases and the rules.

-- A profile managed by representatives: a person without an account of their own (a minor, or
-- an adult who cannot use a passkey). It is a citizens row without passkeys; `managed` stays
-- true until the person takes the profile over with a passkey of their own.
alter table citizens add column managed boolean not null default false;

create table representations (
  id uuid primary key,
  kind text not null check (kind in ('parental_authority', 'guardianship', 'support_measure', 'voluntary')),
  represented_id uuid not null references citizens (id) on delete cascade,
  representative_id uuid not null references citizens (id) on delete cascade,
  status text not null check (status in ('pending', 'active', 'revoked', 'ended', 'declined')),
  revision integer not null check (revision >= 1),
  services uuid[],                           -- the services it covers; null: every service
  actions text[] not null,                   -- view, grant, narrow, pause, withdraw
  assistance boolean not null default false, -- a support measure that assists: person and supporter both sign
  evidence_ref text,                         -- the reference of the evidence an officer checked, never the document
  birth_date date,                           -- of a represented minor: the relationship ends on the 14th birthday
  valid_from timestamptz not null,
  valid_until timestamptz,                   -- the end date (a minor's 14th birthday at the latest); null: until ended
  recorded_by uuid references citizens (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  ended_at timestamptz,
  end_reason text,
  check (represented_id <> representative_id)
);
create index representations_representative on representations (representative_id, id);
create index representations_represented on representations (represented_id, id);
create index representations_ending on representations (valid_until) where status = 'active';

-- Every change of a relationship, as it stood after the change.
create table representation_revisions (
  representation_id uuid not null references representations (id) on delete cascade,
  revision integer not null,
  event text not null,
  status text not null,
  snapshot jsonb not null,
  actor_type text not null,
  actor_id text,
  created_at timestamptz not null,
  primary key (representation_id, revision)
);

-- The ceremonies of representation: a representative accepts with a passkey; acts on behalf
-- are approved with one (or two, for assisted support measures).
alter table webauthn_challenges drop constraint webauthn_challenges_purpose_check;
alter table webauthn_challenges add constraint webauthn_challenges_purpose_check
  check (purpose in ('signup', 'signin', 'add-passkey', 'approve', 'accept-representation', 'approve-on-behalf'));
