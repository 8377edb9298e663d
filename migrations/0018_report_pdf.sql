-- The PDF of each published report (issue #16), rendered once with headless Chromium right
-- after publication (or later by `territoires pdf --missing`), in French and in English, and
-- served as stored: byte-stable across requests.
create table report_pdf (
    report_id bigint not null references report on delete cascade,
    lang text not null check (lang in ('fr', 'en')),
    pdf bytea not null,
    rendered_at timestamptz not null default now(),
    primary key (report_id, lang)
);
