-- The official French geography (Etalab's decoupage-administratif): communes, EPCI,
-- départements and régions. Imported whole in one transaction; areas that disappear from a
-- later import are retired (kept, because profiles may point at them), never deleted.
-- What search compares: lower-case, accent-free, punctuation folded to single spaces
-- ("Saint-Étienne" → "saint etienne").
create function search_key(text) returns text
    language sql immutable parallel safe strict
    as $$ select trim(regexp_replace(lower(immutable_unaccent($1)), '[^a-z0-9]+', ' ', 'g')) $$;

create table geo_area (
    geo_area_id bigint generated always as identity primary key,
    kind text not null check (kind in ('commune', 'epci', 'departement', 'region')),
    code text not null,
    name text not null,
    population integer check (population >= 0),
    departement_code text,
    region_code text,
    epci_code text,
    epci_type text,
    postal_codes text[] not null default '{}',
    retired boolean not null default false,
    search_name text generated always as (search_key(name)) stored,
    constraint geo_area_kind_code_key unique (kind, code)
);
-- GIN answers "contains these words" (LIKE); GiST answers "closest names first" (typos).
create index geo_area_search_trgm_idx on geo_area using gin (search_name gin_trgm_ops);
create index geo_area_search_gist_idx on geo_area using gist (search_name gist_trgm_ops);
create index geo_area_code_idx on geo_area (code);
create index geo_area_epci_idx on geo_area (epci_code) where kind = 'commune';
create index geo_area_postal_codes_idx on geo_area using gin (postal_codes);

-- When and from what the geography was last imported.
create table geo_import (
    geo_import_id bigint generated always as identity primary key,
    source text not null,
    imported_at timestamptz not null default now(),
    communes integer not null,
    epcis integer not null,
    departements integer not null,
    regions integer not null
);
