-- Territory profiles: an official area (one profile per area) or a custom grouping of communes,
-- with the consultant's context notes, local challenges and assets (framework tag codes) and a
-- main contact.
create table territory (
    territory_id bigint generated always as identity primary key,
    kind text not null check (kind in ('commune', 'epci', 'departement', 'region', 'grouping')),
    geo_area_id bigint references geo_area,
    name text not null,
    context_notes text not null default '',
    contact_name text not null default '',
    contact_role text not null default '',
    contact_email text not null default '',
    contact_phone text not null default '',
    -- optimistic locking: every update bumps it, an update based on an older one is refused
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint territory_geo_area_key unique (geo_area_id),
    constraint territory_official_has_area check ((kind = 'grouping') = (geo_area_id is null)),
    constraint territory_name_length check (char_length(name) between 1 and 200),
    constraint territory_notes_length check (char_length(context_notes) <= 10000)
);
select trigger_updated_at('territory');
create index territory_name_trgm_idx on territory
    using gin (search_key(name) gin_trgm_ops);

-- Member communes of a custom grouping.
create table territory_member (
    territory_id bigint not null references territory on delete cascade,
    geo_area_id bigint not null references geo_area,
    primary key (territory_id, geo_area_id)
);

-- Local challenges and assets: codes of the framework's challenge and asset tags.
create table territory_tag (
    territory_id bigint not null references territory on delete cascade,
    family text not null check (family in ('challenge', 'asset')),
    code text not null,
    primary key (territory_id, family, code)
);
