//! Geography queries: ranked search over names and codes, and look-ups of areas with their
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

/// An area found by search with its match class (0: exact name or code).
#[derive(sqlx::FromRow)]
struct RankedArea {
    #[sqlx(flatten)]
    area: AreaRow,
    class: i32,
}

const AREA_COLUMNS: &str = "g.geo_area_id, g.kind, g.code, g.name, g.population,
    g.departement_code, d.name as departement_name, g.region_code, r.name as region_name,
    g.epci_code, e.name as epci_name, g.epci_type, g.postal_codes";

const AREA_JOINS: &str =
    "left join geo_area d on d.kind = 'departement' and d.code = g.departement_code
    left join geo_area r on r.kind = 'region' and r.code = g.region_code
    left join geo_area e on e.kind = 'epci' and e.code = g.epci_code";

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

/// Areas matching `query`, best first: exact name or code (0), then names starting with the
/// query or a postal code (1), then names containing every word of the query (2), else similar
/// names (typo tolerance); larger populations first within a class. Accent-, case- and
/// punctuation-insensitive ("saint etienne", "st-etienne" find Saint-Étienne).
///
/// The first two classes come from b-tree look-ups (codes and postal codes for a query that
/// looks like one, else name prefixes); the names containing the words are scanned only when
/// that finds neither an exact match nor `limit` areas, and similar names only when nothing
/// contains the words.
pub async fn search(
    conn: &mut sqlx::PgConnection,
    query: &str,
    kind: Option<&str>,
    limit: i64,
) -> Result<Vec<AreaRow>, sqlx::Error> {
    let words = search_words(query);
    let phrase = words.join(" ");
    let code = query.trim().to_uppercase();
    // Codes (INSEE, SIREN, postal) have digits and no spaces; names rarely do.
    let code_like =
        code.bytes().any(|b| b.is_ascii_digit()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
    let (sql, key) = if code_like {
        (
            format!(
                "select {AREA_COLUMNS}, g.class from (
                 select g.*, case when g.code = $1 then 0 else 1 end as class
                   from geo_area g
                  where not g.retired and ($2::text is null or g.kind = $2)
                    and (g.code = $1 or g.postal_codes @> array[$1])
                  order by class, g.population desc nulls last, g.name
                  limit $3
             ) g {AREA_JOINS}
             order by g.class, g.population desc nulls last, g.name"
            ),
            &code,
        )
    } else {
        (
            format!(
                "select {AREA_COLUMNS}, g.class from (
                 select g.*, case when g.search_name = search_key($1) then 0 else 1 end as class
                   from geo_area g
                  where not g.retired and ($2::text is null or g.kind = $2)
                    and g.search_name ~>=~ search_key($1)
                    and g.search_name ~<~ (search_key($1) || chr(1114111))
                  order by class, g.population desc nulls last, g.name
                  limit $3
             ) g {AREA_JOINS}
             order by g.class, g.population desc nulls last, g.name"
            ),
            &phrase,
        )
    };
    let found: Vec<RankedArea> = sqlx::query_as(&sql)
        .bind(key)
        .bind(kind)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    // An exact name or code, or a full page of prefixes, is what was looked for: names that
    // merely contain the words would rank after them anyway, or add little.
    if found.len() as i64 >= limit || found.iter().any(|a| a.class == 0) || phrase.is_empty() {
        return Ok(found.into_iter().map(|a| a.area).collect());
    }
    let contains_every_word = (0..words.len())
        .map(|i| format!("g.search_name like '%' || search_key(${}) || '%'", i + 5))
        .collect::<Vec<_>>()
        .join(" and ");
    let sql = format!(
        "select {AREA_COLUMNS} from (
             select g.*, case
                 when g.code = $2 or g.search_name = search_key($1) then 0
                 when g.search_name like search_key($1) || '%' or g.postal_codes @> array[$2] then 1
                 else 2 end as class
             from geo_area g
             where not g.retired and ($3::text is null or g.kind = $3)
               and (g.code = $2 or g.postal_codes @> array[$2] or ({contains_every_word}))
         ) g {AREA_JOINS}
         order by g.class, g.population desc nulls last, g.name
         limit $4"
    );
    let mut statement = sqlx::query_as(&sql)
        .bind(&phrase)
        .bind(&code)
        .bind(kind)
        .bind(limit);
    for word in &words {
        statement = statement.bind(word);
    }
    let mut found: Vec<AreaRow> = statement.fetch_all(&mut *conn).await?;
    if found.is_empty() {
        // Nothing contains the words as typed: closest names first (trigram distance, GiST).
        found = sqlx::query_as!(
            AreaRow,
            r#"select a.geo_area_id as "geo_area_id!", a.kind as "kind!: AreaKind",
                      a.code as "code!", a.name as "name!", a.population, a.departement_code,
                      a.departement_name, a.region_code, a.region_name, a.epci_code, a.epci_name,
                      a.epci_type, a.postal_codes as "postal_codes!"
                 from (select g.geo_area_id, g.search_name <-> search_key($1) as distance
                         from geo_area g
                        where not g.retired and ($2::text is null or g.kind = $2)
                        order by g.search_name <-> search_key($1)
                        limit $3) n
                 join area_detail a using (geo_area_id)
                where n.distance <= 0.7
                order by round(n.distance::numeric, 2), a.population desc nulls last"#,
            phrase,
            kind,
            limit
        )
        .fetch_all(&mut *conn)
        .await?;
    }
    Ok(found)
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

/// Régions or départements, for filters (code, name), by name.
pub async fn list_kind(
    db: impl PgExecutor<'_>,
    kind: AreaKind,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select code, name from geo_area where kind = $1 and not retired order by code",
        kind.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.name)).collect())
}
