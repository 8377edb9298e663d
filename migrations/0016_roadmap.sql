-- The roadmap of an assessment (issue #15): chantiers grouping the steps of the action plan,
-- edited by consultants while the round is in draft or review and frozen in the report at
-- publication; then a living status per step (the follow-up).

-- One per assessment that has a roadmap: the programme's governance and the version every
-- roadmap edit is checked against (one version for the whole roadmap: two consultants editing
-- it at once never overwrite each other silently).
create table roadmap (
    assessment_id bigint primary key references assessment on delete cascade,
    governance text not null default '' check (char_length(governance) <= 4000),
    version integer not null default 1,
    updated_by bigint references app_user,
    updated_at timestamptz not null default now()
);

create table roadmap_chantier (
    chantier_id bigint generated always as identity primary key,
    assessment_id bigint not null references roadmap on delete cascade,
    position integer not null,
    title text not null check (char_length(title) between 1 and 200),
    objective text not null default '' check (char_length(objective) <= 2000),
    elu text not null default '' check (char_length(elu) <= 200),
    pilot text not null default '' check (char_length(pilot) <= 200),
    -- partners by family of the quadruple helix, and other authorities
    partners_academia text not null default '' check (char_length(partners_academia) <= 500),
    partners_associations text not null default '' check (char_length(partners_associations) <= 500),
    partners_businesses text not null default '' check (char_length(partners_businesses) <= 500),
    partners_citizens text not null default '' check (char_length(partners_citizens) <= 500),
    partners_authorities text not null default '' check (char_length(partners_authorities) <= 500),
    start_month smallint not null check (start_month between 1 and 36),
    end_month smallint not null check (end_month between 1 and 36),
    milestones text not null default '' check (char_length(milestones) <= 2000),
    budget_min_keur integer not null check (budget_min_keur between 0 and 1000000),
    budget_max_keur integer not null check (budget_max_keur between 0 and 1000000),
    etp numeric(6, 1) not null check (etp between 0 and 1000),
    -- codes of the funding programmes kept as leads
    funding text[] not null default '{}',
    check (end_month >= start_month),
    check (budget_max_keur >= budget_min_keur)
);
create index roadmap_chantier_assessment_idx on roadmap_chantier (assessment_id, position);

-- A step: one level transition of a criterion (from the action plan), or a free step. A step
-- belongs to at most one chantier (it is one row); a dropped step keeps its reason.
create table roadmap_step (
    step_id bigint generated always as identity primary key,
    assessment_id bigint not null references roadmap on delete cascade,
    chantier_id bigint references roadmap_chantier on delete set null,
    position integer not null,
    criterion_code text,
    from_level smallint check (from_level between 0 and 3),
    text text not null default '' check (char_length(text) <= 1000),
    dropped_reason text check (char_length(dropped_reason) between 1 and 500),
    unique (assessment_id, criterion_code, from_level),
    check ((criterion_code is null) = (from_level is null)),
    check (criterion_code is not null or char_length(text) >= 1),
    check (dropped_reason is null or chantier_id is null)
);
create index roadmap_step_chantier_idx on roadmap_step (chantier_id, position);

-- What a chantier follows: an indicator of the framework or a criterion's level, with a target.
create table roadmap_indicator (
    chantier_id bigint not null references roadmap_chantier on delete cascade,
    code text not null,
    target double precision not null,
    position smallint not null,
    primary key (chantier_id, code)
);

-- The follow-up after publication: every status given to a step, newest last.
create table step_status (
    step_status_id bigint generated always as identity primary key,
    step_id bigint not null references roadmap_step on delete cascade,
    status text not null check (status in ('a_lancer', 'en_cours', 'fait', 'abandonne')),
    status_date date not null,
    comment text not null default '' check (char_length(comment) <= 1000),
    author_id bigint references app_user,
    created_at timestamptz not null default now()
);
create index step_status_step_idx on step_status (step_id, step_status_id desc);
