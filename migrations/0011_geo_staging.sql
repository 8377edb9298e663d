-- The geography import stages the new extract here (inside its transaction, under its advisory
-- lock) before upserting and retiring areas. A table rather than a temporary one, so that the
-- import's statements are checked at compile time like every other. Unlogged: it only ever
-- holds rows of a transaction under way.
create unlogged table geo_staging (
    kind text not null,
    code text not null,
    name text not null,
    population int,
    departement_code text,
    region_code text,
    epci_code text,
    epci_type text,
    postal_codes text
);
