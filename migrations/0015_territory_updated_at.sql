-- The territory table has a generated column (sort_name, 0009), and PostgreSQL refuses to
-- create a BEFORE trigger whose WHEN compares whole rows on such a table: a backup of this
-- database could not be restored. The trigger now sets updated_at on every update (profile
-- edits are versioned saves that always change something).
drop trigger set_updated_at on territory;
create trigger set_updated_at before update on territory
    for each row execute function set_updated_at();
