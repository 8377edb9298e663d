-- Published diagnostic reports: an immutable snapshot of the assessment's content and scores
-- (JSON), and the report body rendered once at publication in each language, so that a
-- report always reads exactly as published and costs nothing to compute when read.
create table report (
    report_id bigint generated always as identity primary key,
    assessment_id bigint not null unique references assessment,
    territory_id bigint not null references territory,
    -- the territory's name as published (the page title must not follow later renames)
    territory_name text not null,
    published_at timestamptz not null default now(),
    published_by bigint references app_user,
    snapshot jsonb not null,
    body_fr text not null,
    body_en text not null,
    -- content hash, for HTTP revalidation (ETag)
    fingerprint text not null
);
create index report_territory_idx on report (territory_id, published_at desc);

-- Immutable: no update of a published report.
create function report_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'a published report cannot change';
end;
$$;
create trigger report_immutable before update on report
    for each row execute function report_is_immutable();

-- Report bodies are read whole at every view: stored out of line but uncompressed, so that
-- reading one costs no decompression.
alter table report alter column body_fr set storage external;
alter table report alter column body_en set storage external;

-- The dashboard: latest reports, and the assessments still in progress.
create index report_published_idx on report (published_at desc);
create index assessment_open_idx on assessment (updated_at desc) where status <> 'published';
