-- Durable jobs: work done after a request, by the worker of any instance, that survives a
-- crash or a restart. A worker claims a due job (FOR UPDATE SKIP LOCKED) and leases it by
-- pushing `run_after` forward: if it dies, the job is due again when the lease ends. A job that
-- keeps failing waits longer each time and stops, visible with its error, after its cap.
create table job (
    job_id bigint generated always as identity primary key,
    kind text not null check (kind in ('report_pdf')),
    report_id bigint references report on delete cascade,
    state text not null default 'pending' check (state in ('pending', 'done', 'failed')),
    attempts integer not null default 0,
    run_after timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (kind, report_id)
);
create index job_due_idx on job (run_after) where state = 'pending';
