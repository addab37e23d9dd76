-- Permís roles (DESIGN §1): a passkey account (a citizen row) may hold the roles `admin`
-- and `officer`. The first admin is bootstrapped from the CLI with a one-time enrolment
-- code; admins invite further admins and officers the same way. Codes are stored only as
-- SHA-256 hashes, expire and are single-use.

create table citizen_roles (
  citizen_id uuid not null references citizens (id) on delete cascade,
  role text not null check (role in ('admin', 'officer')),
  granted_at timestamptz not null,
  granted_by text not null,                  -- the granting admin's citizen id, or 'cli'
  primary key (citizen_id, role)
);
create index citizen_roles_role on citizen_roles (role, citizen_id);

create table role_invitations (
  id uuid primary key,
  code_hash text not null unique,            -- SHA-256 (hex) of the enrolment code; the code itself is never stored
  role text not null check (role in ('admin', 'officer')),
  created_at timestamptz not null,
  created_by text not null,                  -- the inviting admin's citizen id, or 'cli'
  expires_at timestamptz not null,
  redeemed_at timestamptz,
  redeemed_by uuid references citizens (id) on delete set null,
  revoked_at timestamptz,
  check (redeemed_at is null or revoked_at is null)
);
