-- Assessments: one dated round of a territory's diagnostic on one framework version, with an
-- answer per criterion and a value per indicator. Answer and value rows are created with the
-- assessment, so every save is a version-checked update (optimistic locking, no lost edit).
create table assessment (
    assessment_id bigint generated always as identity primary key,
    territory_id bigint not null references territory,
    framework_version_id bigint not null references framework_version,
    label text not null default '' check (char_length(label) <= 120),
    round_date date not null default current_date,
    status text not null default 'draft' check (status in ('draft', 'review', 'published')),
    -- the round this one was prefilled from
    previous_assessment_id bigint references assessment,
    version integer not null default 1,
    created_by bigint references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index assessment_territory_idx on assessment (territory_id, round_date desc);
select trigger_updated_at('assessment');

create table criterion_answer (
    assessment_id bigint not null references assessment on delete cascade,
    criterion_id bigint not null references criterion,
    level smallint check (level between 0 and 4),
    not_applicable boolean not null default false,
    justification text not null default '',
    importance smallint not null default 1 check (importance between 1 and 3),
    -- null: the default target, level + 1 capped at 4
    target smallint check (target between 0 and 4),
    evidence text not null default '',
    confidence text check (confidence in ('declaratif', 'documente', 'verifie')),
    version integer not null default 1,
    updated_by bigint references app_user,
    updated_at timestamptz,
    primary key (assessment_id, criterion_id),
    constraint criterion_answer_na_has_no_level check (not (not_applicable and level is not null)),
    constraint criterion_answer_na_justified check (not not_applicable or btrim(justification) <> '')
);

create table indicator_value (
    assessment_id bigint not null references assessment on delete cascade,
    indicator_id bigint not null references indicator,
    value double precision,
    year smallint check (year between 1990 and 2100),
    source_note text not null default '',
    version integer not null default 1,
    updated_by bigint references app_user,
    updated_at timestamptz,
    primary key (assessment_id, indicator_id)
);
