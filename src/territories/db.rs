//! Territory queries: profiles with their official area, members and tags; the filtered,
//! sorted, paginated list; inserts and version-checked updates.

use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use super::form::{Contact, Profile};
use crate::audit::{Actor, audit};
use crate::vocabulary::{AssessmentId, AssessmentStatus, TagFamily, TerritoryId, TerritoryKind};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TerritoryRow {
    pub territory_id: TerritoryId,
    pub kind: TerritoryKind,
    pub geo_area_id: Option<i64>,
    pub name: String,
    pub context_notes: String,
    pub contact_name: String,
    pub contact_role: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub async fn find(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
) -> Result<Option<TerritoryRow>, sqlx::Error> {
    sqlx::query_as!(
        TerritoryRow,
        r#"select territory_id, kind as "kind: TerritoryKind", geo_area_id, name, context_notes, contact_name, contact_role,
                contact_email, contact_phone, version, created_at, updated_at
         from territory where territory_id = $1"#,
        territory_id.0
    )
    .fetch_optional(db)
    .await
}

/// The profile that already exists for an official area, if any.
pub async fn find_by_area(
    db: impl PgExecutor<'_>,
    geo_area_id: i64,
) -> Result<Option<(TerritoryId, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "select territory_id, name from territory where geo_area_id = $1",
        geo_area_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (TerritoryId(r.territory_id), r.name)))
}

/// Tag codes of a territory in `family`.
pub async fn tags(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
    family: TagFamily,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select code from territory_tag where territory_id = $1 and family = $2 order by code",
        territory_id.0,
        family.as_str()
    )
    .fetch_all(db)
    .await
}

/// Tag codes of a territory, challenges and assets, in one statement.
pub async fn challenges_and_assets(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let rows = sqlx::query!(
        "select family, code from territory_tag where territory_id = $1 order by code",
        territory_id.0
    )
    .fetch_all(db)
    .await?;
    let of = |family: TagFamily| -> Vec<String> {
        rows.iter()
            .filter(|r| r.family == family.as_str())
            .map(|r| r.code.clone())
            .collect()
    };
    Ok((of(TagFamily::Challenge), of(TagFamily::Asset)))
}

/// INSEE codes of a grouping's member communes.
pub async fn member_codes(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select g.code from territory_member m join geo_area g using (geo_area_id)
         where m.territory_id = $1 order by g.code",
        territory_id.0
    )
    .fetch_all(db)
    .await
}

/// Inserts a profile with its members and tags; returns its id. A second profile for the same
/// official area violates `territory_geo_area_key`.
pub async fn insert(
    conn: &mut PgConnection,
    actor: &Actor,
    profile: &Profile,
) -> Result<TerritoryId, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into territory (kind, geo_area_id, name, context_notes, contact_name, contact_role,
                                contact_email, contact_phone)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning territory_id",
        profile.kind.as_str(),
        profile.geo_area_id,
        &profile.name,
        &profile.context_notes,
        &profile.contact.name,
        &profile.contact.role,
        &profile.contact.email,
        &profile.contact.phone
    )
    .fetch_one(&mut *tx)
    .await?;
    let id = TerritoryId(id);
    replace_members_and_tags(&mut tx, id, profile).await?;
    let after = snapshot(&mut tx, id).await?;
    audit(
        &mut *tx,
        actor,
        "territory.create",
        ("territory", Some(id.0)),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Updates a profile if it is still at `version`; `false` when someone changed it meanwhile.
pub async fn update(
    conn: &mut PgConnection,
    actor: &Actor,
    territory_id: TerritoryId,
    version: i32,
    profile: &Profile,
) -> Result<bool, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let before = snapshot(&mut tx, territory_id).await?;
    let updated = sqlx::query!(
        "update territory set name = $3, context_notes = $4, contact_name = $5, contact_role = $6,
                contact_email = $7, contact_phone = $8, version = version + 1
         where territory_id = $1 and version = $2",
        territory_id.0,
        version,
        &profile.name,
        &profile.context_notes,
        &profile.contact.name,
        &profile.contact.role,
        &profile.contact.email,
        &profile.contact.phone
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    replace_members_and_tags(&mut tx, territory_id, profile).await?;
    let after = snapshot(&mut tx, territory_id).await?;
    audit(
        &mut *tx,
        actor,
        "territory.update",
        ("territory", Some(territory_id.0)),
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The editable fields of a profile as JSON, for the audit log.
async fn snapshot(tx: &mut PgConnection, territory_id: TerritoryId) -> Result<Value, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select jsonb_build_object(
                'name', name, 'context_notes', context_notes,
                'contact_name', contact_name, 'contact_role', contact_role,
                'contact_email', contact_email, 'contact_phone', contact_phone,
                'members', array(select g.code from territory_member m join geo_area g
                                 using (geo_area_id) where m.territory_id = t.territory_id
                                 order by g.code),
                'challenges', array(select code from territory_tag tt where tt.family = 'challenge'
                                    and tt.territory_id = t.territory_id order by code),
                'assets', array(select code from territory_tag tt where tt.family = 'asset'
                                and tt.territory_id = t.territory_id order by code)) as "snapshot!"
           from territory t where territory_id = $1"#,
        territory_id.0
    )
    .fetch_one(&mut *tx)
    .await
}

async fn replace_members_and_tags(
    tx: &mut PgConnection,
    territory_id: TerritoryId,
    profile: &Profile,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from territory_member where territory_id = $1",
        territory_id.0
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into territory_member (territory_id, geo_area_id) select $1, unnest($2::bigint[])",
        territory_id.0,
        &profile.member_ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from territory_tag where territory_id = $1",
        territory_id.0
    )
    .execute(&mut *tx)
    .await?;
    for (family, codes) in [
        ("challenge", &profile.challenges),
        ("asset", &profile.assets),
    ] {
        sqlx::query!("insert into territory_tag (territory_id, family, code) select $1, $2, unnest($3::text[])", territory_id.0, family, codes)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Filters, sort order and page of the territory list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    pub kind: Option<String>,
    pub region: Option<String>,
    pub departement: Option<String>,
    pub text: Option<String>,
    pub sort: Sort,
    pub page: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    #[default]
    Name,
    Population,
    Recent,
}

impl Sort {
    pub fn parse(value: &str) -> Self {
        match value {
            "population" => Sort::Population,
            "recent" => Sort::Recent,
            _ => Sort::Name,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Population => "population",
            Sort::Recent => "recent",
        }
    }

    fn order_by(self) -> String {
        match self {
            Sort::Name => "t.sort_name, t.territory_id".to_owned(),
            Sort::Population => format!("{POPULATION} desc nulls last, t.territory_id"),
            Sort::Recent => "t.updated_at desc, t.territory_id desc".to_owned(),
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ListRow {
    pub territory_id: i64,
    pub kind: TerritoryKind,
    pub name: String,
    pub code: Option<String>,
    pub population: Option<i64>,
    pub departement_name: Option<String>,
    pub region_name: Option<String>,
    pub updated_at: OffsetDateTime,
}

/// A profile's population: its official area's, or the sum of a grouping's communes.
const POPULATION: &str =
    "coalesce(g.population::bigint, (select sum(c.population) from territory_member m
    join geo_area c using (geo_area_id) where m.territory_id = t.territory_id)::bigint)";

/// One page of territories matching `filter`, and how many match in all.
///
/// Each combination of filters is its own statement (only the conditions asked for, no
/// `$n is null or …`, the page's limit and offset written in it: parameters there would have
/// PostgreSQL plan it again at each execution), so that PostgreSQL plans each once per
/// connection and keeps the plan.
/// The page of ids is chosen first, on the territories alone when nothing asks for their
/// official area (the name order then comes from an index); the details are joined for the
/// rows of the page only; the count is a query of its own, on the same conditions.
pub async fn list(
    conn: &mut sqlx::PgConnection,
    filter: &ListFilter,
    page_size: i64,
) -> Result<(Vec<ListRow>, i64), sqlx::Error> {
    let needs_area = filter.region.is_some()
        || filter.departement.is_some()
        || filter.text.is_some()
        || filter.sort == Sort::Population;
    let area_join = if needs_area {
        "left join geo_area g on g.geo_area_id = t.geo_area_id"
    } else {
        ""
    };
    let mut conditions = vec!["true".to_owned()];
    let mut values: Vec<&str> = Vec::new();
    for (sql, value) in [
        ("t.kind = $v", &filter.kind),
        (
            "coalesce(g.region_code, case when g.kind = 'region' then g.code end) = $v",
            &filter.region,
        ),
        (
            "coalesce(g.departement_code, case when g.kind = 'departement' then g.code end) = $v",
            &filter.departement,
        ),
        (
            "(t.sort_name like '%' || search_key($v) || '%' or g.code = $v)",
            &filter.text,
        ),
    ] {
        if let Some(value) = value {
            values.push(value);
            conditions.push(sql.replace("$v", &format!("${}", values.len())));
        }
    }
    let conditions = conditions.join(" and ");
    let count_sql = format!("select count(*) from territory t {area_join} where {conditions}");
    let mut count = sqlx::query_scalar(&count_sql);
    for value in &values {
        count = count.bind(*value);
    }
    let total: i64 = count.fetch_one(&mut *conn).await?;

    let (limit, offset) = (page_size, (filter.page.max(1) - 1) * page_size);
    let sql = format!(
        "with page as (
             select t.territory_id
               from territory t {area_join}
              where {conditions}
              order by {order}
              limit {limit} offset {offset}
         )
         select t.territory_id, t.kind, t.name, g.code, {POPULATION} as population,
                d.name as departement_name, r.name as region_name, t.updated_at
           from page join territory t using (territory_id)
           left join geo_area g on g.geo_area_id = t.geo_area_id
           left join geo_area d on d.kind = 'departement'
                and d.code = coalesce(g.departement_code, case when g.kind = 'departement' then g.code end)
           left join geo_area r on r.kind = 'region'
                and r.code = coalesce(g.region_code, case when g.kind = 'region' then g.code end)
          order by {order}",
        order = filter.sort.order_by(),
    );
    let mut page = sqlx::query_as(&sql);
    for value in &values {
        page = page.bind(*value);
    }
    let rows = page.fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// The contact as stored.
impl From<&TerritoryRow> for Contact {
    fn from(row: &TerritoryRow) -> Self {
        Contact {
            name: row.contact_name.clone(),
            role: row.contact_role.clone(),
            email: row.contact_email.clone(),
            phone: row.contact_phone.clone(),
        }
    }
}

/// One assessment round of a territory, as its page lists it.
pub struct RoundRow {
    pub assessment_id: AssessmentId,
    pub label: String,
    pub round_date: Date,
    pub status: AssessmentStatus,
}

/// The territory's assessment rounds, newest first.
pub async fn rounds(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
) -> sqlx::Result<Vec<RoundRow>> {
    sqlx::query_as!(
        RoundRow,
        r#"select assessment_id, label, round_date, status as "status: AssessmentStatus"
             from assessment where territory_id = $1
            order by round_date desc, assessment_id desc"#,
        territory_id.0
    )
    .fetch_all(db)
    .await
}
