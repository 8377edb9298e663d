//! Territory profiles: creation from the official geography or as a grouping, every
//! validation error (422, input kept, message at the field), the list, edits and conflicts.

use reqwest::StatusCode;
use territoires::accounts::Role;

use crate::support::{Page, TestApp, escaped, fetch_encoded};

/// Creates the profile of official area `kind`/`code`; returns the profile's path.
async fn create_official(app: &TestApp, kind: &str, code: &str, extra: &[(&str, &str)]) -> String {
    let id = app.area_id(kind, code).await.to_string();
    let mut fields = vec![("mode", "official"), ("geo_area_id", id.as_str())];
    fields.extend_from_slice(extra);
    let page = app.post_form("/territoires", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.header("location").to_owned()
}

fn field_error<'a>(page: &'a Page, field: &str) -> &'a str {
    let marker = format!(r#"id="{field}-error">"#);
    let alt = format!(r#"class="field-error" id="{field}">"#);
    let start = page
        .body
        .find(&marker)
        .map(|i| i + marker.len())
        .or_else(|| page.body.find(&alt).map(|i| i + alt.len()))
        .unwrap_or_else(|| panic!("no error for {field}"));
    page.body[start..].split("</p>").next().unwrap()
}

#[tokio::test]
async fn a_commune_profile_shows_its_official_data_and_local_context() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let path = create_official(
        &app,
        "commune",
        "69123",
        &[
            (
                "context_notes",
                "Ville-centre de la métropole ; plan de mobilité en révision.",
            ),
            ("challenges", "deficit_transport_collectif"),
            ("challenges", "securite"),
            ("assets", "universite"),
            ("contact_name", "Camille Martin"),
            ("contact_email", "camille.martin@mairie-lyon.fr"),
        ],
    )
    .await;
    assert!(path.starts_with("/territoires/"));
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Lyon",
        "69123",
        "519\u{202f}127",
        "Rhône",
        "Auvergne-Rhône-Alpes",
        "Métropole de Lyon",
        "Déficit de transport collectif",
        "MOB-1",
        "camille.martin@mairie-lyon.fr",
        "Aucune évaluation pour le moment.",
    ] {
        assert!(
            page.body.contains(&escaped(expected)),
            "profile lacks {expected}"
        );
    }
    assert!(
        page.body
            .contains(&escaped("plan de mobilité en révision."))
    );
}

#[tokio::test]
async fn an_epci_profile_lists_its_member_communes() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let path = create_official(&app, "epci", "200046977", &[]).await;
    let page = app.get(&path).await;
    assert!(page.body.contains("Communes membres (58)"), "member count");
    assert!(page.body.contains("Villeurbanne"));
}

#[tokio::test]
async fn a_second_profile_for_the_same_area_is_refused_with_a_link_to_the_first() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let first = create_official(&app, "commune", "42218", &[]).await;
    let id = app.area_id("commune", "42218").await.to_string();
    let page = app
        .post_form(
            "/territoires",
            &[
                ("mode", "official"),
                ("geo_area_id", &id),
                ("context_notes", "doublon"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&page, "geo_area_id").contains("Un profil existe déjà"));
    assert!(page.body.contains(&format!(r#"href="{first}""#)));
    assert!(page.body.contains(">doublon</textarea>"), "input kept");
    let count: i64 = sqlx::query_scalar("select count(*) from territory")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn an_unknown_or_missing_area_is_refused() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let missing = app
        .post_form(
            "/territoires",
            &[("mode", "official"), ("context_notes", "notes gardées")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&missing, "geo_area_id").contains("Choisissez une collectivité"));
    assert!(missing.body.contains(">notes gardées</textarea>"));
    for bad in ["99999999", "Lyon"] {
        let page = app
            .post_form(
                "/territoires",
                &[("mode", "official"), ("geo_area_id", bad)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            field_error(&page, "geo_area_id").contains("inconnue"),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_grouping_needs_a_name_and_known_communes_and_keeps_the_input() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app
        .post_form(
            "/territoires",
            &[
                ("mode", "grouping"),
                ("name", "   "),
                ("members", "69123 99998"),
                ("challenges", "securite"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&page, "name").contains("Donnez un nom"));
    assert!(field_error(&page, "members").contains("Certains codes"));
    assert!(page.body.contains(">69123 99998</textarea>"));
    assert!(
        page.has(r#"input[value="securite"][checked]"#),
        "ticked challenge kept"
    );
    assert!(page.has(r#"input#mode-grouping[name="mode"][value="grouping"][checked]"#));

    let created = app
        .post_form(
            "/territoires",
            &[
                ("mode", "grouping"),
                ("name", "Bassin de vie de l'Est lyonnais"),
                ("members", "69266, 69259\n69123"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let profile = app.get(created.header("location")).await;
    assert!(
        profile
            .body
            .contains(&escaped("Bassin de vie de l'Est lyonnais"))
    );
    assert!(profile.body.contains("Communes membres (3)"));
    assert!(profile.body.contains("Villeurbanne"));
}

#[tokio::test]
async fn over_long_texts_and_malformed_contacts_are_refused_at_their_field() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let id = app.area_id("commune", "38185").await.to_string();
    let long_notes = "é".repeat(10_001);
    let long_name = "n".repeat(201);
    let page = app
        .post_form(
            "/territoires",
            &[
                ("mode", "official"),
                ("geo_area_id", &id),
                ("context_notes", &long_notes),
                ("contact_name", &long_name),
                ("contact_email", "pas une adresse"),
                ("contact_phone", "06 12 34 56 78 poste 12"),
                ("assets", "mine_d_or"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&page, "context_notes").contains("trop long"));
    assert!(field_error(&page, "contact_name").contains("trop long"));
    assert!(field_error(&page, "contact_email").contains("adresse de courriel valide"));
    assert!(field_error(&page, "contact_phone").contains("chiffres"));
    assert!(page.body.contains("étiquette n&#39;existe pas"));
    assert!(
        page.body.contains(&long_notes),
        "the long text is given back, not cut"
    );
    assert!(page.body.contains(r#"value="pas une adresse""#));
    assert!(
        page.body
            .contains(&format!(r#"id="area-{id}" value="{id}" checked"#)),
        "chosen area kept"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from territory")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_creation_form_searches_without_javascript() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app
        .get("/territoires/nouveau?q=saint+etienne&context_notes=brouillon")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let id = app.area_id("commune", "42218").await;
    assert!(page.body.contains(&format!(r#"value="{id}""#)));
    assert!(
        page.body.contains(">brouillon</textarea>"),
        "what was typed survives the search"
    );
    assert!(page.body.contains(r#"hx-get="/geo/recherche""#));
}

#[tokio::test]
async fn the_list_filters_sorts_and_paginates() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let codes: Vec<String> = sqlx::query_scalar(
        "select code from geo_area where kind = 'commune' and departement_code = '01' order by code limit 23",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for code in &codes {
        create_official(&app, "commune", code, &[]).await;
    }
    create_official(&app, "commune", "69123", &[]).await;
    create_official(&app, "region", "84", &[]).await;

    let all = app.get("/territoires").await;
    assert!(all.body.contains("25 territoires"));
    assert!(all.body.contains("Page 1 / 2"));
    let second = app.get("/territoires?page=2").await;
    assert_eq!(
        second
            .body
            .matches(r#"<th scope="row"><a href="/territoires/"#)
            .count(),
        5
    );

    let by_population = app.get("/territoires?sort=population").await;
    let region = by_population.body.find("Auvergne-Rhône-Alpes</a>").unwrap();
    let lyon = by_population.body.find(">Lyon</a>").unwrap();
    assert!(region < lyon, "largest first");

    let rhone = app.get("/territoires?departement=69").await;
    assert!(rhone.body.contains("1 territoire") && rhone.body.contains(">Lyon</a>"));
    let regions = app.get("/territoires?kind=region").await;
    assert!(regions.body.contains("1 territoire"));
    let text = app.get("/territoires?q=LYON").await;
    assert!(text.body.contains(">Lyon</a>") && text.body.contains("1 territoire"));
    let none = app.get("/territoires?q=introuvable").await;
    assert!(none.body.contains("Aucun territoire ne correspond."));
}

#[tokio::test]
async fn an_edit_based_on_an_old_version_does_not_overwrite_the_newer_one() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let path = create_official(
        &app,
        "commune",
        "35238",
        &[("context_notes", "version initiale")],
    )
    .await;
    let edit = app.get(&format!("{path}/modifier")).await;
    assert_eq!(
        edit.one(r#"input[name="version"]"#).attr("value"),
        Some("1")
    );

    let first = app
        .post_form(
            &path,
            &[("version", "1"), ("context_notes", "écrit par Alice")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale = app
        .post_form(
            &path,
            &[("version", "1"), ("context_notes", "écrit par Bruno")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("modifié entre-temps"));
    assert!(
        stale.body.contains(">écrit par Bruno</textarea>"),
        "Bruno's input is kept"
    );
    assert!(
        stale.body.contains("écrit par Alice"),
        "Alice's saved text is shown"
    );
    assert_eq!(
        stale.one(r#"input[name="version"]"#).attr("value"),
        Some("2")
    );
    let profile = app.get(&path).await;
    assert!(profile.body.contains("écrit par Alice") && !profile.body.contains("écrit par Bruno"));

    let deliberate = app
        .post_form(
            &path,
            &[("version", "2"), ("context_notes", "écrit par Bruno")],
        )
        .await;
    assert_eq!(deliberate.status, StatusCode::SEE_OTHER);
    assert!(app.get(&path).await.body.contains("écrit par Bruno"));
}

#[tokio::test]
async fn unknown_profiles_are_404() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    assert_eq!(
        app.get("/territoires/987654").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/territoires/987654/modifier").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form("/territoires/987654", &[("version", "1")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/territoires/abc").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_list_page_kept_in_memory_never_outlives_a_change_made_elsewhere() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = create_official(&app, "commune", "69123", &[]).await;
    create_official(&app, "region", "84", &[]).await;
    let before = app.get("/territoires").await;
    assert!(before.body.contains("2 territoires"), "{}", before.body);
    assert!(before.body.contains(">Lyon</a>"));
    // Read twice at the same generation: the second answer comes from memory, and the kept
    // page, compressed once, decodes to the same page in every coding.
    assert_eq!(app.get("/territoires").await.body, before.body);
    let (_, plain_size, plain) = fetch_encoded(&app, "/territoires", "identity").await;
    assert_eq!(plain, before.body);
    for accept in ["gzip, deflate, br", "gzip"] {
        let (coding, size, page) = fetch_encoded(&app, "/territoires", accept).await;
        assert!(["br", "gzip"].contains(&coding.as_str()), "{coding}");
        assert_eq!(page, plain);
        assert!(size * 2 < plain_size, "{size} of {plain_size} bytes");
    }

    // Changes made without this instance (another instance, a script), each committed.
    let id: i64 = lyon.rsplit('/').next().unwrap().parse().unwrap();
    sqlx::query("update territory set name = 'Lyon (renommée)' where territory_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let renamed = app.get("/territoires").await;
    assert!(
        renamed.body.contains(">Lyon (renommée)</a>"),
        "{}",
        renamed.body
    );

    sqlx::query("delete from territory where territory_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let after = app.get("/territoires").await;
    assert!(after.body.contains("1 territoire"), "{}", after.body);
    assert!(!after.body.contains("Lyon"));

    // A change rolled back changes nothing, and the page still matches the database.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("update territory set name = 'Jamais'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(!app.get("/territoires").await.body.contains("Jamais"));
}
