-- How many times each topic of what instances keep in memory has changed (src/cache.rs). A
-- trigger on each table of a topic bumps its generation in the writing transaction, so a change
-- is counted when it is committed, whoever makes it (a route, a command, a worker, psql). Each
-- table belongs to one topic, so a transaction takes the topics' rows in the order of its own
-- statements. Replaces territory_list_change (0022), now the topic 'places'.
create table cache_topic (
    topic text primary key,
    generation bigint not null default 0
);
insert into cache_topic (topic, generation)
select 'places', generation from territory_list_change;
insert into cache_topic (topic) values ('accounts'), ('geography'), ('rounds'), ('reports');

drop trigger territory_list_changed on territory;
drop trigger territory_list_changed on territory_member;
drop trigger territory_list_changed on geo_area;
drop function territory_list_changed();
drop table territory_list_change;

create function cache_topic_changed() returns trigger language plpgsql as $$
begin
    update cache_topic set generation = generation + 1 where topic = tg_argv[0];
    return null;
end $$;

-- places: the territory list, and every page that names territories.
create trigger cache_topic_changed
    after insert or update or delete or truncate on territory
    for each statement execute function cache_topic_changed('places');
create trigger cache_topic_changed
    after insert or update or delete or truncate on territory_member
    for each statement execute function cache_topic_changed('places');
create trigger cache_topic_changed
    after insert or update or delete or truncate on geo_area
    for each statement execute function cache_topic_changed('places');

-- geography: the search index, reloaded after an import.
create trigger cache_topic_changed
    after insert or update or delete or truncate on geo_import
    for each statement execute function cache_topic_changed('geography');

-- accounts: signed-in users, their rights and territories. Sessions count when they end (a
-- sign-in or a touch of last_seen_at changes nothing anybody keeps).
create trigger cache_topic_changed
    after insert or update or delete or truncate on app_user
    for each statement execute function cache_topic_changed('accounts');
create trigger cache_topic_changed
    after insert or update or delete or truncate on user_territory
    for each statement execute function cache_topic_changed('accounts');
create trigger cache_topic_changed
    after delete or truncate on user_session
    for each statement execute function cache_topic_changed('accounts');

-- rounds: rounds created, removed, renamed or moved to another status (answers saved change
-- only the progress shown, which is kept for the bound: see src/cache.rs).
create trigger cache_topic_changed
    after insert or delete or truncate on assessment
    for each statement execute function cache_topic_changed('rounds');
create trigger cache_topic_changed_update
    after update of status, label, round_date, territory_id on assessment
    for each statement execute function cache_topic_changed('rounds');

-- reports: published reports, their PDFs and the state of their jobs (whether a PDF is coming
-- or failed; a job's lease and attempts are not followed).
create trigger cache_topic_changed
    after insert or delete or truncate on report
    for each statement execute function cache_topic_changed('reports');
create trigger cache_topic_changed
    after insert or update or delete or truncate on report_pdf
    for each statement execute function cache_topic_changed('reports');
create trigger cache_topic_changed
    after insert or delete or truncate on job
    for each statement execute function cache_topic_changed('reports');
create trigger cache_topic_changed_update
    after update of state on job
    for each statement execute function cache_topic_changed('reports');
