-- Open-data releases (issue 22): public statistics per service and month, computed from the
-- transparency log's events at a published checkpoint, with disclosure control, prepared and
-- reviewed by an officer, then published, signed with the log's checkpoint key.
--
-- A draft holds what would be published (`document`, RFC 8785 canonical JSON, and its SHA-256)
-- and what only officers see (`preview`: true values and why each withheld cell is withheld).
-- Publication gives the release the next number and its signed note. A published release never
-- changes and is never deleted (the trigger below): a correction is a new release that names
-- the one it corrects.
create table open_data_releases (
  id uuid primary key,
  number integer unique check (number >= 1),
  status text not null check (status in ('draft', 'published')),
  tree_size bigint not null check (tree_size >= 1),
  root_hash bytea not null check (length(root_hash) = 32),
  checkpoint_note text not null,
  k integer not null check (k >= 2),
  epsilon double precision check (epsilon > 0),
  corrects uuid references open_data_releases (id),
  correction_note text,
  document text not null,
  document_sha256 text not null,
  preview jsonb not null,
  signature text,
  prepared_by uuid not null,
  prepared_at timestamptz not null,
  published_by uuid,
  published_at timestamptz,
  check ((status = 'published') = (number is not null and signature is not null and published_at is not null)),
  check ((corrects is null) = (correction_note is null))
);
create index open_data_releases_published on open_data_releases (number) where status = 'published';

create function open_data_release_immutable() returns trigger language plpgsql as $$
begin
  if old.status = 'published' then
    raise exception 'open-data release % is published and cannot change', old.number using errcode = 'P0001';
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end
$$;
create trigger open_data_releases_immutable before update or delete on open_data_releases
  for each row execute function open_data_release_immutable();
