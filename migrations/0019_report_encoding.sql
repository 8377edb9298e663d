-- Published report bodies compressed once (issue #18): a catable brotli stream and raw
-- deflate blocks with the body's CRC-32 and length, so that a compressed page is the body's
-- compression spliced between a head and a foot compressed per request. Written at publication
-- (or at the first read of a report published before this table existed); never changed.
create table report_encoding (
    report_id bigint not null references report on delete cascade,
    lang text not null check (lang in ('fr', 'en')),
    brotli bytea not null,
    deflate bytea not null,
    crc32 bigint not null check (crc32 between 0 and 4294967295),
    length integer not null check (length >= 0),
    primary key (report_id, lang)
);

create trigger report_encoding_immutable before update on report_encoding
    for each row execute function report_is_immutable();
