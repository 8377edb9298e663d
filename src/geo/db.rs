//! Geography queries: every area for the in-memory search, and look-ups of areas with their
//! parents and members.

use crate::vocabulary::AreaKind;
use serde::Serialize;
use sqlx::PgExecutor;

/// An official area as shown in search results and profiles.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AreaRow {
    pub geo_area_id: i64,
    pub kind: AreaKind,
    pub code: String,
    pub name: String,
    pub population: Option<i32>,
    pub departement_code: Option<String>,
    pub departement_name: Option<String>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub epci_code: Option<String>,
    pub epci_name: Option<String>,
    pub epci_type: Option<String>,
    pub postal_codes: Vec<String>,
}

/// An area as loaded for search, with what search compares.
pub struct IndexedArea {
    pub row: AreaRow,
    /// `search_key(name)`, as the database computes it.
    pub search_name: String,
    pub retired: bool,
}

/// The words of a query as search compares them: lower case, split on anything that is not a
/// letter or digit, with the usual abbreviations written out ("st" → "saint", "ste" →
/// "sainte"), at most six.
pub fn search_words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| match w.to_lowercase().as_str() {
            "st" => "saint".to_owned(),
            "ste" => "sainte".to_owned(),
            other => other.to_owned(),
        })
        .collect()
}

/// Every area with its search key, retired ones included (search skips them; they still name
/// old profiles' areas), for the geography each instance holds in memory.
pub async fn all_areas(db: impl PgExecutor<'_>) -> Result<Vec<IndexedArea>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select a.geo_area_id as "geo_area_id!", a.kind as "kind!: AreaKind",
                  a.code as "code!", a.name as "name!", a.population, a.departement_code,
                  a.departement_name, a.region_code, a.region_name, a.epci_code, a.epci_name,
                  a.epci_type, a.postal_codes as "postal_codes!", g.search_name as "search_name!",
                  a.retired as "retired!"
             from area_detail a join geo_area g using (geo_area_id)"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| IndexedArea {
            row: AreaRow {
                geo_area_id: r.geo_area_id,
                kind: r.kind,
                code: r.code,
                name: r.name,
                population: r.population,
                departement_code: r.departement_code,
                departement_name: r.departement_name,
                region_code: r.region_code,
                region_name: r.region_name,
                epci_code: r.epci_code,
                epci_name: r.epci_name,
                epci_type: r.epci_type,
                postal_codes: r.postal_codes,
            },
            search_name: r.search_name,
            retired: r.retired,
        })
        .collect())
}

/// One area by id (retired ones included: old profiles still point at them).
pub async fn find(
    db: impl PgExecutor<'_>,
    geo_area_id: i64,
) -> Result<Option<AreaRow>, sqlx::Error> {
    sqlx::query_as!(
        AreaRow,
        r#"select geo_area_id as "geo_area_id!", kind as "kind!: AreaKind", code as "code!",
                  name as "name!", population, departement_code, departement_name, region_code,
                  region_name, epci_code, epci_name, epci_type, postal_codes as "postal_codes!"
             from area_detail where geo_area_id = $1"#,
        geo_area_id
    )
    .fetch_optional(db)
    .await
}

/// Current communes by INSEE code (those found; the caller reports the others).
pub async fn communes_by_code(
    db: impl PgExecutor<'_>,
    codes: &[String],
) -> Result<Vec<AreaRow>, sqlx::Error> {
    sqlx::query_as!(
        AreaRow,
        r#"select geo_area_id as "geo_area_id!", kind as "kind!: AreaKind", code as "code!",
                  name as "name!", population, departement_code, departement_name, region_code,
                  region_name, epci_code, epci_name, epci_type, postal_codes as "postal_codes!"
             from area_detail
            where kind = 'commune' and not retired and code = any($1) order by name"#,
        codes
    )
    .fetch_all(db)
    .await
}

/// The member communes of an EPCI, largest first.
pub async fn epci_members(
    db: impl PgExecutor<'_>,
    epci_code: &str,
) -> Result<Vec<AreaRow>, sqlx::Error> {
    sqlx::query_as!(
        AreaRow,
        r#"select geo_area_id as "geo_area_id!", kind as "kind!: AreaKind", code as "code!",
                  name as "name!", population, departement_code, departement_name, region_code,
                  region_name, epci_code, epci_name, epci_type, postal_codes as "postal_codes!"
             from area_detail
            where kind = 'commune' and not retired and epci_code = $1
            order by population desc nulls last, name"#,
        epci_code
    )
    .fetch_all(db)
    .await
}
