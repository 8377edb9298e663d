//! Territory profiles: a commune, EPCI, département or région of the official geography, or a
//! custom grouping of communes, with the consultant's context notes, local challenges, local
//! assets and main contact. Routes: the list (`/territoires`), creation (`/territoires/nouveau`),
//! the profile (`/territoires/{id}`) and its edit form. The list's pages are kept in memory
//! under the generation of places ([`list_pages`]).

pub mod db;
pub mod form;
pub mod list_pages;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use crate::auth::CurrentUser;
use crate::cache::{Generations, Topic};
use crate::database;
use crate::error::{Error, Result};
use crate::framework::{self, FRAMEWORK_CODE};
use crate::geo;
use crate::vocabulary::{AreaKind, TagFamily, TerritoryId, TerritoryKind};
use crate::web::access::{Access, Routes};
use crate::web::form::{FieldErrors, has_forbidden_control};
use crate::web::spliced::{self, SplicedBody};
use crate::web::{Id, PageContext, render, render_with_status, urlencode};
use form::{Known, TerritoryForm};
use list_pages::ListPages;

/// Rows per page of the territory list.
pub const PAGE_SIZE: i64 = 20;

pub fn routes() -> Routes {
    Routes::new()
        .get("/territoires", Access::Staff, list)
        .post("/territoires", Access::Staff, create)
        .get("/territoires/nouveau", Access::Staff, new)
        .get("/territoires/{id}", Access::Staff, show)
        .post("/territoires/{id}", Access::Staff, update)
        .get("/territoires/{id}/modifier", Access::Staff, edit)
}

/// The framework's challenge and asset tags, for the forms and the profile.
#[derive(Clone, Debug, Default)]
pub struct Tags {
    pub challenges: Vec<framework::db::TagRow>,
    pub assets: Vec<framework::db::TagRow>,
}

impl Tags {
    async fn load(pool: &PgPool) -> Result<Self> {
        let Some(version) = framework::db::current_version(pool, FRAMEWORK_CODE).await? else {
            return Ok(Self::default());
        };
        let (challenges, assets) = framework::db::tags(pool, version.framework_version_id)
            .await?
            .into_iter()
            .partition(|t| t.family == TagFamily::Challenge);
        Ok(Self { challenges, assets })
    }

    fn codes(tags: &[framework::db::TagRow]) -> Vec<String> {
        tags.iter().map(|t| t.code.clone()).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// List

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    kind: String,
    region: String,
    departement: String,
    q: String,
    sort: String,
    page: String,
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

#[derive(Template)]
#[template(path = "territories/list.html")]
struct ListPage {
    ctx: PageContext,
    /// [`spliced::BODY_MARK`], where the kept page goes.
    body: &'static str,
}

/// The list's content (kept per filter and language under the list's generation): the filters
/// as applied, one page of territories and the count.
#[derive(Template)]
#[template(path = "territories/list_body.html")]
struct ListBody {
    ctx: PageContext,
    filter: db::ListFilter,
    rows: Vec<db::ListRow>,
    total: i64,
    /// The page shown, and how many there are.
    page: i64,
    pages: i64,
    /// The régions and départements the filters offer.
    geography: Arc<geo::index::GeoIndex>,
}

impl ListBody {
    fn q(&self) -> &str {
        self.filter.text.as_deref().unwrap_or_default()
    }

    fn kind(&self) -> &str {
        self.filter.kind.as_deref().unwrap_or_default()
    }

    fn region(&self) -> &str {
        self.filter.region.as_deref().unwrap_or_default()
    }

    fn departement(&self) -> &str {
        self.filter.departement.as_deref().unwrap_or_default()
    }

    /// Link to `page` keeping the filters and sort.
    fn page_url(&self, page: i64) -> String {
        let pairs = [
            ("kind", self.kind()),
            ("region", self.region()),
            ("departement", self.departement()),
            ("q", self.q()),
            ("sort", self.filter.sort.as_str()),
        ];
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        query.push(format!("page={page}"));
        format!("/territoires?{}", query.join("&"))
    }
}

/// How a kept list page is compressed: each filter's first request at a generation pays for it,
/// so brotli 5 and deflate 6. Measured on page 50 of 2,000: a first request took 4.5 ms at p50
/// against 12.8 ms with brotli 10 and deflate 9, for 3.8 KB on the wire against 3.5 KB.
const LIST_LEVELS: (i32, u32) = (5, 6);

async fn list(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(geography): State<Arc<geo::Geography>>,
    State(list_pages): State<Arc<ListPages>>,
    State(generations): State<Arc<Generations>>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Result<Response> {
    let filter = db::ListFilter {
        kind: non_empty(&params.kind).filter(|k| {
            ["commune", "epci", "departement", "region", "grouping"].contains(&k.as_str())
        }),
        region: non_empty(&params.region),
        departement: non_empty(&params.departement),
        text: non_empty(&params.q),
        sort: db::Sort::parse(&params.sort),
        page: params.page.trim().parse().unwrap_or(1).clamp(1, 100_000),
    };
    let key = (filter, ctx.i18n.lang);
    // Read now, not within the bound: no page is served after a change is committed.
    let generation = generations
        .fresh(&pool, &[Topic::Places, Topic::Geography])
        .await?;
    let filter = key.0.clone();
    let read = async {
        let mut conn = pool.acquire().await?;
        let (rows, total) = db::list(&mut conn, &filter, PAGE_SIZE).await?;
        drop(conn);
        let text = ListBody {
            ctx: ctx.clone(),
            page: filter.page,
            pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
            total,
            geography: geography.get(&pool).await?,
            rows,
            filter,
        }
        .render()?;
        let body = tokio::task::spawn_blocking(move || SplicedBody::new(text, LIST_LEVELS))
            .await
            .map_err(anyhow::Error::from)?;
        Ok::<_, Error>(Some(Arc::new(body)))
    };
    let body = list_pages
        .get_or_load(generation, key, read)
        .await?
        .expect("a list page is always read");
    let page = ListPage {
        ctx,
        body: spliced::BODY_MARK,
    }
    .render()?;
    spliced::response(
        &page,
        &body.text,
        &body.encoded,
        spliced::negotiate(&headers),
    )
}

// ---------------------------------------------------------------------------------------------
// Create and edit

#[derive(Template)]
#[template(path = "territories/form.html")]
struct FormPage {
    ctx: PageContext,
    form: TerritoryForm,
    errors: FieldErrors,
    tags: Tags,
    /// Search results for the official area, rendered (creation only).
    results: Option<String>,
    /// The profile being edited (None when creating).
    editing: Option<db::TerritoryRow>,
    /// Set when the submitted edit was based on an outdated version.
    conflict: Option<db::TerritoryRow>,
    /// The existing profile when the chosen area already has one.
    duplicate: Option<(TerritoryId, String)>,
}

impl FormPage {
    /// The contact inputs: (field, label key, input type, value).
    fn contact_fields(&self) -> Vec<(&'static str, &'static str, &'static str, String)> {
        let f = &self.form;
        vec![
            (
                "contact_name",
                "territory-field-contact-name",
                "text",
                f.contact_name.clone(),
            ),
            (
                "contact_role",
                "territory-field-contact-role",
                "text",
                f.contact_role.clone(),
            ),
            (
                "contact_email",
                "territory-field-contact-email",
                "email",
                f.contact_email.clone(),
            ),
            (
                "contact_phone",
                "territory-field-contact-phone",
                "tel",
                f.contact_phone.clone(),
            ),
        ]
    }

    fn action(&self) -> String {
        match &self.editing {
            Some(t) => format!("/territoires/{}", t.territory_id),
            None => "/territoires".to_owned(),
        }
    }
}

async fn new(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(geography): State<Arc<geo::Geography>>,
    Query(form): Query<TerritoryForm>,
) -> Result<Response> {
    let page = FormPage {
        results: Some(
            search_results(&ctx, &pool, &geography, &form)
                .await?
                .render()?,
        ),
        tags: Tags::load(&pool).await?,
        errors: FieldErrors::default(),
        editing: None,
        conflict: None,
        duplicate: None,
        form,
        ctx,
    };
    render(&page)
}

/// The official areas matching the form's search text, with the chosen one kept selected.
async fn search_results(
    ctx: &PageContext,
    pool: &PgPool,
    geography: &geo::Geography,
    form: &TerritoryForm,
) -> Result<geo::ResultsFragment> {
    let params = geo::SearchParams {
        q: form.q.clone(),
        kind: String::new(),
    };
    let mut areas = geo::find_areas(pool, geography, &params).await?;
    let selected = form.geo_area();
    if let Some(id) = selected
        && !areas.iter().any(|a| a.geo_area_id == id)
        && let Some(area) = geo::db::find(pool, id).await?
    {
        areas.insert(0, area);
    }
    Ok(geo::ResultsFragment {
        ctx: ctx.clone(),
        query: form.q.trim().to_owned(),
        areas,
        selected,
    })
}

/// Looks up what validation needs, then validates.
async fn check(
    pool: &PgPool,
    form: &TerritoryForm,
    tags: &Tags,
) -> Result<Result<form::Profile, FieldErrors>> {
    let area = match (form.is_grouping(), form.geo_area()) {
        (false, Some(id)) => geo::db::find(pool, id).await?.map(|a| (a.kind, a.name)),
        _ => None,
    };
    // Codes are looked up only in a list that validation may accept (its size bounds the work).
    let readable = form.members.chars().count() <= form::MAX_MEMBERS_TEXT
        && !has_forbidden_control(&form.members);
    let members: Vec<(String, i64)> = if form.is_grouping() && readable {
        let codes = form.member_codes();
        geo::db::communes_by_code(pool, &codes[..codes.len().min(form::MAX_MEMBERS)])
            .await?
            .into_iter()
            .map(|a| (a.code, a.geo_area_id))
            .collect()
    } else {
        Vec::new()
    };
    let known = Known {
        area,
        members: &members,
        challenge_codes: &Tags::codes(&tags.challenges),
        asset_codes: &Tags::codes(&tags.assets),
    };
    Ok(form::validate(form, &known))
}

async fn create(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(geography): State<Arc<geo::Geography>>,
    user: CurrentUser,
    Form(form): Form<TerritoryForm>,
) -> Result<Response> {
    let tags = Tags::load(&pool).await?;
    let mut errors = FieldErrors::default();
    let mut duplicate = None;
    match check(&pool, &form, &tags).await? {
        Ok(profile) => {
            if let Some(area) = profile.geo_area_id {
                duplicate = db::find_by_area(&pool, area).await?;
            }
            if duplicate.is_none() {
                // The connection goes back to the pool before any other query.
                let inserted = {
                    let mut conn = pool.acquire().await?;
                    db::insert(&mut conn, &user.actor(), &profile).await
                };
                match inserted {
                    Ok(id) => {
                        return Ok(Redirect::to(&format!("/territoires/{id}")).into_response());
                    }
                    Err(e) if database::violates(&e, "territory_geo_area_key") => {
                        duplicate =
                            db::find_by_area(&pool, profile.geo_area_id.unwrap_or_default())
                                .await?;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            errors.add("geo_area_id", "territory-error-duplicate");
        }
        Err(found) => errors = found,
    }
    let page = FormPage {
        results: Some(
            search_results(&ctx, &pool, &geography, &form)
                .await?
                .render()?,
        ),
        tags,
        errors,
        editing: None,
        conflict: None,
        duplicate,
        form,
        ctx,
    };
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The form prefilled from a stored profile.
async fn form_of(pool: &PgPool, territory: &db::TerritoryRow) -> Result<TerritoryForm> {
    Ok(TerritoryForm {
        mode: if territory.kind == TerritoryKind::Grouping {
            "grouping"
        } else {
            "official"
        }
        .to_owned(),
        q: String::new(),
        geo_area_id: territory
            .geo_area_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        name: territory.name.clone(),
        members: db::member_codes(pool, territory.territory_id)
            .await?
            .join(" "),
        context_notes: territory.context_notes.clone(),
        challenges: db::tags(pool, territory.territory_id, TagFamily::Challenge).await?,
        assets: db::tags(pool, territory.territory_id, TagFamily::Asset).await?,
        contact_name: territory.contact_name.clone(),
        contact_role: territory.contact_role.clone(),
        contact_email: territory.contact_email.clone(),
        contact_phone: territory.contact_phone.clone(),
        version: territory.version.to_string(),
    })
}

async fn edit(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<TerritoryId>,
) -> Result<Response> {
    let territory = db::find(&pool, id).await?.ok_or(Error::NotFound)?;
    let page = FormPage {
        form: form_of(&pool, &territory).await?,
        tags: Tags::load(&pool).await?,
        errors: FieldErrors::default(),
        results: None,
        editing: Some(territory),
        conflict: None,
        duplicate: None,
        ctx,
    };
    render(&page)
}

async fn update(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<TerritoryId>,
    Form(mut form): Form<TerritoryForm>,
) -> Result<Response> {
    let territory = db::find(&pool, id).await?.ok_or(Error::NotFound)?;
    // What an edit may not change: the kind of profile and its official area.
    form.mode = if territory.kind == TerritoryKind::Grouping {
        "grouping"
    } else {
        "official"
    }
    .to_owned();
    form.geo_area_id = territory
        .geo_area_id
        .map(|a| a.to_string())
        .unwrap_or_default();
    let tags = Tags::load(&pool).await?;
    let (status, errors, conflict) = match check(&pool, &form, &tags).await? {
        Ok(profile) => {
            let version = form.version.trim().parse().unwrap_or(0);
            let updated = {
                let mut conn = pool.acquire().await?;
                db::update(&mut conn, &user.actor(), id, version, &profile).await?
            };
            if updated {
                return Ok(Redirect::to(&format!("/territoires/{id}")).into_response());
            }
            // Someone saved in between: keep the user's input, show what is stored now, and
            // base the next save on the current version so it is a deliberate choice.
            let current = db::find(&pool, id).await?.ok_or(Error::NotFound)?;
            form.version = current.version.to_string();
            (StatusCode::CONFLICT, FieldErrors::default(), Some(current))
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
    };
    let page = FormPage {
        form,
        tags,
        errors,
        results: None,
        editing: Some(territory),
        conflict,
        duplicate: None,
        ctx,
    };
    render_with_status(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Profile

#[derive(Template)]
#[template(path = "territories/show.html")]
struct ShowPage {
    ctx: PageContext,
    territory: db::TerritoryRow,
    area: Option<geo::db::AreaRow>,
    /// EPCI member communes, or a grouping's communes.
    communes: Vec<geo::db::AreaRow>,
    challenges: Vec<framework::db::TagRow>,
    assets: Vec<framework::db::TagRow>,
    assessments: Vec<db::RoundRow>,
}

impl ShowPage {
    fn population(&self) -> Option<i64> {
        match &self.area {
            Some(area) => area.population.map(i64::from),
            None => Some(
                self.communes
                    .iter()
                    .filter_map(|c| c.population)
                    .map(i64::from)
                    .sum(),
            ),
        }
    }
}

async fn show(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<TerritoryId>,
) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let territory = db::find(&mut *conn, id).await?.ok_or(Error::NotFound)?;
    let area = match territory.geo_area_id {
        Some(area) => geo::db::find(&mut *conn, area).await?,
        None => None,
    };
    let communes = match &area {
        Some(a) if a.kind == AreaKind::Epci => geo::db::epci_members(&mut *conn, &a.code).await?,
        Some(_) => Vec::new(),
        None => {
            let codes = db::member_codes(&mut *conn, id).await?;
            geo::db::communes_by_code(&mut *conn, &codes).await?
        }
    };
    drop(conn);
    let tags = Tags::load(&pool).await?;
    let challenge_codes = db::tags(&pool, id, TagFamily::Challenge).await?;
    let asset_codes = db::tags(&pool, id, TagFamily::Asset).await?;
    let page = ShowPage {
        challenges: tags
            .challenges
            .into_iter()
            .filter(|t| challenge_codes.contains(&t.code))
            .collect(),
        assets: tags
            .assets
            .into_iter()
            .filter(|t| asset_codes.contains(&t.code))
            .collect(),
        assessments: db::rounds(&pool, id).await?,
        territory,
        area,
        communes,
        ctx,
    };
    render(&page)
}
