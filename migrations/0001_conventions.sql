-- Conventions shared by every later migration.
-- Extensions: pg_trgm (typo-tolerant search) and unaccent (accent-insensitive search).
create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- An immutable wrapper around unaccent, usable in indexes (unaccent itself is only stable).
create or replace function immutable_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- updated_at maintenance: `select trigger_updated_at('table');` after creating a table with an
-- `updated_at timestamptz not null default now()` column keeps it current on every update.
create or replace function set_updated_at() returns trigger
    language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end;
$$;

create or replace function trigger_updated_at(tablename regclass) returns void
    language plpgsql as $$
begin
    execute format(
        'create trigger set_updated_at before update on %s
         for each row when (old is distinct from new) execute function set_updated_at();',
        tablename);
end;
$$;
