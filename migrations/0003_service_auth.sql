-- Service authentication (issue 3, DESIGN §5 "Service tokens"): the replay cache of client
-- assertions. RFC 7523 §3 item 7: a `jti` may be used only once while its assertion is
-- valid. A row lives until `expires_at` (the assertion's `exp` plus the accepted clock
-- skew); an expired row may be overwritten by a new assertion with the same jti, and
-- expired rows are purged opportunistically by the token endpoint.

create table client_assertion_jtis (
  client_id text not null,
  jti text not null check (length(jti) between 1 and 256),
  expires_at timestamptz not null,
  primary key (client_id, jti)
);
create index client_assertion_jtis_expiry on client_assertion_jtis (expires_at);
