-- How many times what the territory list shows has changed. Each instance keeps the list's
-- pages in memory under the number they were read at, and reading this one row tells it whether
-- they still hold: a statement on the territories, a grouping's communes or the geography
-- changes the number in its own transaction, so a page is never served after a change is
-- committed, whichever instance or process made it.
create table territory_list_change (
    only_row boolean primary key default true check (only_row),
    generation bigint not null
);
insert into territory_list_change (generation) values (0);

create function territory_list_changed() returns trigger language plpgsql as $$
begin
    update territory_list_change set generation = generation + 1;
    return null;
end $$;

create trigger territory_list_changed
    after insert or update or delete or truncate on territory
    for each statement execute function territory_list_changed();
create trigger territory_list_changed
    after insert or update or delete or truncate on territory_member
    for each statement execute function territory_list_changed();
create trigger territory_list_changed
    after insert or update or delete or truncate on geo_area
    for each statement execute function territory_list_changed();
