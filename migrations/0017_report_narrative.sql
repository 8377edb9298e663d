-- The consultant's "En bref" for an assessment's report (issue #16): three to five key messages
-- and up to three decisions proposed to the conseil, one per line, edited before publication
-- (without a row, the report uses the messages the app drafts from the scores). Frozen in the
-- report's snapshot at publication.
create table report_narrative (
    assessment_id bigint primary key references assessment on delete cascade,
    messages text not null check (char_length(messages) <= 2000),
    decisions text not null default '' check (char_length(decisions) <= 1000),
    version integer not null default 1,
    updated_by bigint references app_user,
    updated_at timestamptz not null default now()
);
