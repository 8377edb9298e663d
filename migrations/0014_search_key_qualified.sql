-- search_key names the function it calls with its schema, so that it works whatever the
-- session's search_path: pg_restore loads data with an empty one, and computing the generated
-- search columns then failed. Same definition otherwise (still inlinable).
create or replace function search_key(text) returns text
    language sql immutable parallel safe strict
    as $$ select trim(regexp_replace(lower(public.immutable_unaccent($1)), '[^a-z0-9]+', ' ', 'g')) $$;
