//! What publication stores beside a report's snapshot, read back whole: the rendered bodies
//! (HTML, French and English), their compression for sending, and the PDFs.

use sqlx::{PgExecutor, PgPool};

use crate::error::Result;
use crate::i18n::Lang;
use crate::vocabulary::ReportId;
use crate::web::encoding::EncodedBody;

/// A report's body in one language, with its compression when stored.
pub struct StoredBody {
    pub text: String,
    pub encoded: Option<EncodedBody>,
}

/// The body of a report in `lang`.
pub async fn body(pool: &PgPool, report_id: ReportId, lang: Lang) -> Result<StoredBody> {
    let row = sqlx::query!(
        r#"select case when $2 then r.body_en else r.body_fr end as "text!",
                  e.brotli as "brotli?", e.deflate as "deflate?", e.crc32 as "crc32?",
                  e.length as "length?"
             from report r
             left join report_encoding e on e.report_id = r.report_id and e.lang = $3
            where r.report_id = $1"#,
        report_id.0,
        lang == Lang::En,
        lang.code()
    )
    .fetch_one(pool)
    .await?;
    let encoded = match (row.brotli, row.deflate, row.crc32, row.length) {
        (Some(brotli), Some(deflate), Some(crc32), Some(length)) => Some(EncodedBody {
            brotli,
            deflate,
            crc32: u32::try_from(crc32).map_err(anyhow::Error::from)?,
            length: u32::try_from(length).map_err(anyhow::Error::from)?,
        }),
        _ => None,
    };
    Ok(StoredBody {
        text: row.text,
        encoded,
    })
}

/// Stores the compression of a report's body in `lang` (kept as first stored: it is derived
/// from an immutable body).
pub async fn store_encoding(
    db: impl PgExecutor<'_>,
    report_id: ReportId,
    lang: Lang,
    encoded: &EncodedBody,
) -> Result<()> {
    sqlx::query!(
        "insert into report_encoding (report_id, lang, brotli, deflate, crc32, length)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
        report_id.0,
        lang.code(),
        &encoded.brotli,
        &encoded.deflate,
        i64::from(encoded.crc32),
        i32::try_from(encoded.length).map_err(anyhow::Error::from)?
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the report has its PDF in `lang`.
pub async fn has_pdf(pool: &PgPool, report_id: ReportId, lang: Lang) -> Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from report_pdf where report_id = $1 and lang = $2) as "exists!""#,
        report_id.0,
        lang.code()
    )
    .fetch_one(pool)
    .await?)
}

/// Stores a report's PDF (once: a PDF already stored stays).
pub async fn store_pdf(pool: &PgPool, report_id: ReportId, lang: Lang, pdf: &[u8]) -> Result<()> {
    sqlx::query!(
        "insert into report_pdf (report_id, lang, pdf) values ($1, $2, $3) on conflict do nothing",
        report_id.0,
        lang.code(),
        pdf
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The stored PDF of a report in `lang`, if rendered.
pub async fn pdf(pool: &PgPool, report_id: ReportId, lang: Lang) -> Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar!(
        "select pdf from report_pdf where report_id = $1 and lang = $2",
        report_id.0,
        lang.code()
    )
    .fetch_optional(pool)
    .await?)
}

/// The published reports that lack a PDF in either language, oldest first.
pub async fn without_pdf(pool: &PgPool) -> Result<Vec<ReportId>> {
    Ok(sqlx::query_scalar!(
        r#"select report_id as "report_id: ReportId" from report r
            where (select count(*) from report_pdf p where p.report_id = r.report_id) < 2
            order by report_id"#
    )
    .fetch_all(pool)
    .await?)
}
