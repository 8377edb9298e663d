-- The reference framework, versioned. A version is loaded from its source file at start-up and
-- never changes once an assessment uses it (locked_at set): a change means a new version.
create table framework_version (
    framework_version_id bigint generated always as identity primary key,
    code text not null,
    version integer not null check (version >= 1),
    name_fr text not null,
    name_en text not null,
    description_fr text not null,
    description_en text not null,
    -- fingerprint of the source content, to detect a modified copy of a loaded version
    fingerprint text not null,
    loaded_at timestamptz not null default now(),
    locked_at timestamptz,
    constraint framework_version_code_version_key unique (code, version)
);

create table maturity_level (
    framework_version_id bigint not null references framework_version on delete cascade,
    level smallint not null check (level between 0 and 4),
    label_fr text not null,
    label_en text not null,
    generic_fr text not null,
    generic_en text not null,
    primary key (framework_version_id, level)
);

create table dimension (
    dimension_id bigint generated always as identity primary key,
    framework_version_id bigint not null references framework_version on delete cascade,
    code text not null,
    kind text not null check (kind in ('thematic', 'transversal')),
    position smallint not null,
    name_fr text not null,
    name_en text not null,
    description_fr text not null,
    description_en text not null,
    giffinger_fr text,
    giffinger_en text,
    constraint dimension_code_key unique (framework_version_id, code)
);

create table criterion (
    criterion_id bigint generated always as identity primary key,
    framework_version_id bigint not null references framework_version on delete cascade,
    dimension_id bigint not null references dimension on delete cascade,
    code text not null,
    position smallint not null,
    name_fr text not null,
    name_en text not null,
    description_fr text not null,
    description_en text not null,
    giffinger_factors text[] not null default '{}',
    weight double precision not null default 1 check (weight > 0),
    constraint criterion_code_key unique (framework_version_id, code)
);
create index criterion_dimension_idx on criterion (dimension_id, position);

create table level_descriptor (
    criterion_id bigint not null references criterion on delete cascade,
    level smallint not null check (level between 0 and 4),
    text_fr text not null,
    text_en text not null,
    primary key (criterion_id, level)
);

create table recommendation_template (
    criterion_id bigint not null references criterion on delete cascade,
    from_level smallint not null check (from_level between 0 and 3),
    to_level smallint not null check (to_level = from_level + 1),
    horizon text not null check (horizon in ('court', 'moyen', 'long')),
    cost text not null check (cost in ('faible', 'moyen', 'eleve')),
    text_fr text not null,
    text_en text not null,
    primary key (criterion_id, from_level)
);

create table indicator (
    indicator_id bigint generated always as identity primary key,
    framework_version_id bigint not null references framework_version on delete cascade,
    dimension_id bigint not null references dimension on delete cascade,
    code text not null,
    position smallint not null,
    name_fr text not null,
    name_en text not null,
    unit text not null,
    direction text not null check (direction in ('higher_better', 'lower_better')),
    source_fr text not null,
    source_en text not null,
    min_value double precision not null,
    max_value double precision not null,
    bands double precision[] not null check (cardinality(bands) = 4),
    constraint indicator_code_key unique (framework_version_id, code),
    constraint indicator_bounds check (min_value < max_value)
);

-- Challenge tags (enjeux locaux) raise the importance of criteria; asset tags (atouts) point
-- recommendations at criteria that build on them.
create table framework_tag (
    framework_tag_id bigint generated always as identity primary key,
    framework_version_id bigint not null references framework_version on delete cascade,
    family text not null check (family in ('challenge', 'asset')),
    code text not null,
    position smallint not null,
    name_fr text not null,
    name_en text not null,
    description_fr text not null,
    description_en text not null,
    constraint framework_tag_code_key unique (framework_version_id, family, code)
);

create table framework_tag_criterion (
    framework_tag_id bigint not null references framework_tag on delete cascade,
    criterion_id bigint not null references criterion on delete cascade,
    primary key (framework_tag_id, criterion_id)
);

create table criterion_dependency (
    criterion_id bigint not null references criterion on delete cascade,
    level smallint not null check (level between 1 and 4),
    requires_criterion_id bigint not null references criterion on delete cascade,
    requires_level smallint not null check (requires_level between 1 and 4),
    reason_fr text not null,
    reason_en text not null,
    primary key (criterion_id, level, requires_criterion_id)
);
