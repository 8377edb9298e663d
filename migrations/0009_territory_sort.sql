-- The territory list sorts by name through an index instead of normalising every name at
-- every request.
alter table territory add column sort_name text generated always as (search_key(name)) stored;
create index territory_sort_name_idx on territory (sort_name, territory_id);
create index territory_updated_idx on territory (updated_at desc, territory_id desc);
