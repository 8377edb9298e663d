-- The first start's setup link: while no account exists, the server prints a one-time link
-- whose token (kept here as a SHA-256 hash only) lets the first administrator create their
-- account. At most one token is valid: the latest start's.
create table setup_token (
    token_hash bytea primary key,
    created_at timestamptz not null default now()
);
