-- Sessions live in PostgreSQL so that every app instance sees them. The cookie carries a random
-- token; only its SHA-256 is stored, so a copy of this table cannot be replayed.
create table user_session (
    token_hash bytea primary key,
    user_id bigint not null references app_user,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    -- absolute lifetime: the session ends then, however active it is
    expires_at timestamptz not null
);
create index user_session_user_idx on user_session (user_id);
create index user_session_expires_idx on user_session (expires_at);

-- Optimistic locking for the administrators' account form.
alter table app_user add column version integer not null default 1;
