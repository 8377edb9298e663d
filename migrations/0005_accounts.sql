-- Accounts, their roles and territories, sign-in attempts (for rate limiting across instances)
-- and the audit log. Accounts are disabled, never deleted: the audit log keeps referring to them.
create table app_user (
    user_id bigint generated always as identity primary key,
    email text not null,
    display_name text not null default '',
    role text not null check (role in ('admin', 'consultant', 'elu')),
    -- argon2id PHC string
    password_hash text not null,
    -- set for one-time passwords: the user must choose a password at first sign-in
    must_change_password boolean not null default false,
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index app_user_email_key on app_user (lower(email));
select trigger_updated_at('app_user');

-- The territories an élu may read.
create table user_territory (
    user_id bigint not null references app_user,
    territory_id bigint not null references territory on delete cascade,
    primary key (user_id, territory_id)
);

-- Every sign-in attempt, to limit them per account and per address.
create table sign_in_attempt (
    sign_in_attempt_id bigint generated always as identity primary key,
    attempted_at timestamptz not null default now(),
    email text not null,
    ip inet,
    succeeded boolean not null
);
create index sign_in_attempt_email_idx on sign_in_attempt (lower(email), attempted_at);
create index sign_in_attempt_ip_idx on sign_in_attempt (ip, attempted_at);

-- Who did what, when, on which object, with the changed fields before and after.
create table audit_event (
    audit_event_id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    -- null when the actor is the command line
    actor_user_id bigint references app_user,
    actor_label text not null,
    action text not null,
    object_type text not null,
    object_id bigint,
    before jsonb,
    after jsonb
);
create index audit_event_occurred_idx on audit_event (occurred_at desc);
create index audit_event_object_idx on audit_event (object_type, object_id);
