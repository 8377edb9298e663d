//! Assessments: starting a round (importance raised by local challenges, prefill from the
//! previous round), validation of every input, the N/A rule, status transitions and who may
//! make them, and no lost edit: stale saves conflict, concurrent saves never overwrite silently.

use reqwest::StatusCode;
use territoires::accounts::Role;

use crate::support::{TestApp, autosave, returned_version};

/// A consultant's app with a profile of Lyon facing a lack of public transport, and a round.
async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let area = app.area_id("commune", "69123").await.to_string();
    let created = app
        .post_form(
            "/territoires",
            &[
                ("mode", "official"),
                ("geo_area_id", &area),
                ("challenges", "deficit_transport_collectif"),
            ],
        )
        .await;
    let territory: i64 = created.created_id();
    let started = app
        .post_form(
            &format!("/territoires/{territory}/evaluations"),
            &[
                ("round_date", "2026-03-15"),
                ("label", "Diagnostic initial"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let assessment = started.created_id();
    (app, territory, assessment)
}

/// `columns` of a criterion's stored answer (`a`), as `T`.
async fn answer_columns<T>(app: &TestApp, assessment: i64, code: &str, columns: &str) -> T
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    sqlx::query_as(&format!(
        "select {columns} from criterion_answer a
           join criterion c using (criterion_id) where a.assessment_id = $1 and c.code = $2"
    ))
    .bind(assessment)
    .bind(code)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The stored (level, not_applicable, importance, version) of a criterion.
async fn stored(app: &TestApp, assessment: i64, code: &str) -> (Option<i16>, bool, i16, i32) {
    let columns = "a.level, a.not_applicable, a.importance, a.version";
    answer_columns(app, assessment, code, columns).await
}

#[tokio::test]
async fn a_round_has_every_criterion_with_importance_raised_by_local_challenges() {
    let (app, territory, assessment) = setup().await;
    let overview = app.get(&format!("/evaluations/{assessment}")).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("Brouillon"));
    assert!(
        overview.body.contains("Critères traités : 5 / 61"),
        "{}",
        overview.body
    );
    assert!(
        overview
            .body
            .contains(&format!(r#"href="/evaluations/{assessment}/MOB""#))
    );
    assert_eq!(stored(&app, assessment, "MOB-1").await.2, 3);
    assert_eq!(stored(&app, assessment, "ECO-1").await.2, 1);
    let locked: bool = sqlx::query_scalar(
        "select locked_at is not null from framework_version v
           join assessment a using (framework_version_id) where a.assessment_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(locked, "a used framework version can no longer change");
    let profile = app.get(&format!("/territoires/{territory}")).await;
    assert!(
        profile
            .body
            .contains(&format!(r#"href="/evaluations/{assessment}""#))
    );

    let section = app.get(&format!("/evaluations/{assessment}/MOB")).await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(section.body.contains("Déficit de transport collectif"));
    assert!(section.has(r#"input[name="MOB-1.level"][value="2"]#MOB-1-level-2"#));
    assert!(section.body.contains(r#"name="MOB-I1.value""#));
    assert!(section.body.contains("data-hx-post=\"/evaluations/"));
    assert_eq!(
        app.get(&format!("/evaluations/{assessment}/XYZ"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let bad_date = app
        .post_form(
            &format!("/territoires/{territory}/evaluations"),
            &[("round_date", "31/02/2026"), ("label", "Point d'étape")],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("Saisissez une date valide"));
    assert!(bad_date.body.contains("Point d&#39;étape"));
}

/// Form fields as (name, value).
type Fields<'a> = &'a [(&'a str, &'a str)];

#[tokio::test]
async fn every_invalid_input_gets_a_french_message_at_its_field() {
    let (app, _, assessment) = setup().await;
    let cases: &[(Fields, &str, &str)] = &[
        (
            &[("level", "5"), ("importance", "1")],
            "level",
            "Choisissez un niveau entre 0 et 4",
        ),
        (
            &[("level", "deux"), ("importance", "1")],
            "level",
            "Choisissez un niveau entre 0 et 4",
        ),
        (
            &[("level", "2"), ("importance", "4")],
            "importance",
            "L&#39;importance va de 1 à 3.",
        ),
        (
            &[("level", "2"), ("importance", "1"), ("target", "7")],
            "target",
            "Le niveau cible va de 0 à 4.",
        ),
        (
            &[("level", "3"), ("importance", "1"), ("target", "1")],
            "target",
            "ne peut pas être inférieur",
        ),
        (
            &[("level", "na"), ("importance", "1")],
            "justification",
            "Justifiez pourquoi ce critère est sans objet.",
        ),
        (
            &[
                ("level", "1"),
                ("importance", "1"),
                ("confidence", "certain"),
            ],
            "confidence",
            "Choisissez une fiabilité",
        ),
    ];
    for (fields, field, message) in cases {
        let mut fields = fields.to_vec();
        let version = stored(&app, assessment, "MOB-2").await.3.to_string();
        fields.push(("version", &version));
        let page = autosave(&app, assessment, "MOB-2", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let slot = format!(r#"id="MOB-2-{field}-error" data-hx-swap-oob="true">"#);
        let at_field = page.body.split(&slot).nth(1).unwrap_or_default();
        assert!(
            at_field.starts_with(message) || at_field.split('<').next().unwrap().contains(message),
            "{fields:?}: {}",
            page.body
        );
        assert!(page.body.contains("Non enregistré"));
    }

    for (value, year, field, message) in [
        ("250", "2023", "value", "Valeur hors de la plage plausible"),
        ("beaucoup", "2023", "value", "Saisissez un nombre"),
        ("1e9", "2023", "value", "Saisissez un nombre"),
        ("42", "2031", "year", "Saisissez une année"),
        ("42", "", "year", "Indiquez l&#39;année de la valeur."),
    ] {
        let page = autosave(
            &app,
            assessment,
            "MOB-I1",
            &[("value", value), ("year", year), ("version", "1")],
        )
        .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{value} {year}"
        );
        assert!(
            page.body.contains(&format!(
                r#"id="MOB-I1-{field}-error" data-hx-swap-oob="true">{message}"#
            )),
            "{value} {year}: {}",
            page.body
        );
    }
    let values: i64 = sqlx::query_scalar(
        "select count(*) from indicator_value where assessment_id = $1 and value is not null",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(values, 0);

    // Unknown criteria and indicators do not exist.
    for path in ["reponses/MOB-99", "indicateurs/ZZZ-I1", "reponses/mob-1"] {
        let page = app
            .post_form(&format!("/evaluations/{assessment}/{path}"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        app.post_form("/evaluations/999999/reponses/MOB-1", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_section_saved_without_javascript_keeps_bad_input_and_stores_the_rest() {
    let (app, _, assessment) = setup().await;
    let url = format!("/evaluations/{assessment}/MOB");
    let section = app.get(&url).await;
    assert_eq!(section.one("#MOB-1-version").attr("value"), Some("1"));
    let page = app
        .post_form(
            &url,
            &[
                ("MOB-1.version", "1"),
                ("MOB-1.level", "2"),
                ("MOB-1.importance", "3"),
                ("MOB-1.evidence", "Schéma des mobilités adopté en 2024."),
                ("MOB-1.confidence", "documente"),
                ("MOB-2.version", "1"),
                ("MOB-2.level", "na"),
                ("MOB-2.importance", "3"),
                ("MOB-I1.version", "1"),
                ("MOB-I1.value", "250"),
                ("MOB-I1.year", "2023"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Certaines réponses n&#39;ont pas été enregistrées")
    );
    assert!(page.body.contains(r##"href="#MOB-2-justification""##));
    assert!(
        page.body.contains(r#"value="250""#),
        "the bad value is kept"
    );
    assert!(page.has(r#"input#MOB-2-level-na[name="MOB-2.level"][value="na"][checked]"#));
    // The valid criterion was stored, with its new version in the form.
    assert_eq!(
        stored(&app, assessment, "MOB-1").await,
        (Some(2), false, 3, 2)
    );
    assert_eq!(page.one("#MOB-1-version").attr("value"), Some("2"));

    let fixed = app
        .post_form(
            &url,
            &[
                ("MOB-1.version", "2"),
                ("MOB-1.level", "2"),
                ("MOB-1.importance", "3"),
                ("MOB-1.evidence", "Schéma des mobilités adopté en 2024."),
                ("MOB-1.confidence", "documente"),
                ("MOB-2.version", "1"),
                ("MOB-2.level", "na"),
                ("MOB-2.importance", "3"),
                (
                    "MOB-2.justification",
                    "La compétence mobilité relève de la métropole.",
                ),
                ("MOB-I1.version", "1"),
                ("MOB-I1.value", "62,5"),
                ("MOB-I1.year", "2023"),
                ("MOB-I1.source_note", "Insee RP 2021"),
            ],
        )
        .await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER, "{}", fixed.body);
    assert_eq!(fixed.header("location"), format!("{url}?enregistre=1"));
    assert_eq!(
        stored(&app, assessment, "MOB-1").await.3,
        2,
        "unchanged: not saved again"
    );
    assert_eq!(stored(&app, assessment, "MOB-2").await, (None, true, 3, 2));
    let (value, year): (Option<f64>, Option<i16>) = sqlx::query_as(
        "select v.value, v.year from indicator_value v join indicator i using (indicator_id)
          where v.assessment_id = $1 and i.code = 'MOB-I1'",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((value, year), (Some(62.5), Some(2023)));
    let after = app.get(&format!("{url}?enregistre=1")).await;
    assert!(after.body.contains("Section enregistrée."));
    assert!(after.body.contains(r#"value="62.5""#));
    let overview = app.get(&format!("/evaluations/{assessment}")).await;
    assert!(
        overview.body.contains("Critères traités : 6 / 61"),
        "{}",
        overview.body
    );
}

#[tokio::test]
async fn not_applicable_needs_a_justification_and_clears_the_level() {
    let (app, _, assessment) = setup().await;
    let saved = autosave(
        &app,
        assessment,
        "MOB-3",
        &[
            ("level", "na"),
            (
                "justification",
                "Pas d'autorité organisatrice à cette échelle.",
            ),
            ("importance", "2"),
            ("target", "3"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Enregistré"));
    assert_eq!(stored(&app, assessment, "MOB-3").await, (None, true, 2, 2));
    // The database refuses an unjustified N/A even if the application let one through.
    let refused = sqlx::query(
        "update criterion_answer set justification = '' where assessment_id = $1 and not_applicable",
    )
    .bind(assessment)
    .execute(&app.pool)
    .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn a_new_round_can_start_from_the_previous_one() {
    let (app, territory, first) = setup().await;
    autosave(
        &app,
        first,
        "ECO-1",
        &[
            ("level", "3"),
            ("importance", "2"),
            ("evidence", "Pôle d'innovation actif."),
            ("confidence", "verifie"),
            ("version", "1"),
        ],
    )
    .await;
    autosave(
        &app,
        first,
        "MOB-I1",
        &[("value", "48"), ("year", "2022"), ("version", "1")],
    )
    .await;

    let form = app
        .get(&format!("/territoires/{territory}/evaluations/nouvelle"))
        .await;
    assert!(form.has(r#"input[name="prefill"][value="on"][checked]"#));
    let second = app
        .post_form(
            &format!("/territoires/{territory}/evaluations"),
            &[("round_date", "2027-03-15"), ("prefill", "on")],
        )
        .await;
    let second: i64 = second.created_id();
    let (level, evidence, confidence, importance): (Option<i16>, String, Option<String>, i16) =
        sqlx::query_as(
            "select a.level, a.evidence, a.confidence, a.importance from criterion_answer a
               join criterion c using (criterion_id)
              where a.assessment_id = $1 and c.code = 'ECO-1'",
        )
        .bind(second)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(level, Some(3));
    assert_eq!(evidence, "Pôle d'innovation actif.");
    assert_eq!(confidence.as_deref(), Some("verifie"));
    assert_eq!(importance, 2);
    assert_eq!(
        stored(&app, second, "MOB-1").await.2,
        3,
        "challenges still raise importance"
    );
    let value: Option<f64> = sqlx::query_scalar(
        "select v.value from indicator_value v join indicator i using (indicator_id)
          where v.assessment_id = $1 and i.code = 'MOB-I1'",
    )
    .bind(second)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(value, Some(48.0));

    let fresh = app
        .post_form(
            &format!("/territoires/{territory}/evaluations"),
            &[("round_date", "2027-04-01")],
        )
        .await;
    let fresh: i64 = fresh.created_id();
    assert_eq!(
        stored(&app, fresh, "ECO-1").await.0,
        None,
        "no prefill unless asked"
    );
}

#[tokio::test]
async fn status_moves_between_draft_and_review_and_published_rounds_are_read_only() {
    let (app, _, assessment) = setup().await;
    let url = format!("/evaluations/{assessment}/statut");
    let published = app
        .post_form(&url, &[("status", "published"), ("version", "1")])
        .await;
    assert_eq!(published.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        published
            .body
            .contains("Ce changement de statut n&#39;est pas possible")
    );

    let review = app
        .post_form(&url, &[("status", "review"), ("version", "1")])
        .await;
    assert_eq!(review.status, StatusCode::SEE_OTHER);
    let overview = app.get(&format!("/evaluations/{assessment}")).await;
    assert!(overview.body.contains("En relecture"));
    assert!(overview.body.contains("Repasser en brouillon"));
    let stale = app
        .post_form(&url, &[("status", "draft"), ("version", "1")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let (actor, before, after): (String, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select actor_label, before, after from audit_event
          where action = 'assessment.status' and object_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(actor.starts_with("consultant"));
    assert_eq!(
        (before["status"].as_str(), after["status"].as_str()),
        (Some("draft"), Some("review"))
    );

    // Élus may not change it, nor see it.
    let elu = app.new_browser();
    let territory: i64 =
        sqlx::query_scalar("select territory_id from assessment where assessment_id = $1")
            .bind(assessment)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    elu.sign_in_as(Role::Elu, &[territory]).await;
    assert_eq!(
        elu.post_form(&url, &[("status", "draft"), ("version", "2")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let back = app
        .post_form(&url, &[("status", "draft"), ("version", "2")])
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);

    // Published (by the report, later): nothing changes any more.
    sqlx::query("update assessment set status = 'published' where assessment_id = $1")
        .bind(assessment)
        .execute(&app.pool)
        .await
        .unwrap();
    let save = autosave(
        &app,
        assessment,
        "MOB-1",
        &[("level", "4"), ("importance", "1"), ("version", "1")],
    )
    .await;
    assert_eq!(save.status, StatusCode::CONFLICT);
    assert!(save.body.contains("ne peut plus être modifiée"));
    assert_eq!(stored(&app, assessment, "MOB-1").await.0, None);
    let section = app.get(&format!("/evaluations/{assessment}/MOB")).await;
    assert!(section.has("fieldset#crit-MOB-1[disabled]"));
    assert!(!section.body.contains("Enregistrer la section"));
    assert_eq!(
        app.post_form(&url, &[("status", "draft"), ("version", "3")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// The stored evidence, target and confidence of a criterion.
async fn stored_texts(
    app: &TestApp,
    assessment: i64,
    code: &str,
) -> (String, Option<i16>, Option<String>) {
    answer_columns(app, assessment, code, "a.evidence, a.target, a.confidence").await
}

#[tokio::test]
async fn a_refused_field_never_discards_the_other_fields_of_its_criterion() {
    let (app, _, assessment) = setup().await;
    // Each field of the criterion in turn holds a value it refuses; every other field is
    // stored, read back from the database.
    let cases: &[(&str, &str)] = &[
        ("level", "5"),
        ("importance", "0"),
        ("target", "1"),
        ("target", "9"),
        ("confidence", "certain"),
        ("evidence", "\u{1}contrôle"),
        ("justification", "\u{1}"),
    ];
    for (n, (field, bad)) in cases.iter().enumerate() {
        let evidence = format!("Délibération n° {n} du conseil, annexe 2");
        let level = ["2", "3"][n % 2];
        let mut fields = vec![
            ("level", level),
            ("importance", "2"),
            ("target", "4"),
            ("confidence", "documente"),
            ("evidence", evidence.as_str()),
        ];
        fields.retain(|(f, _)| f != field);
        fields.push((field, bad));
        let version = stored(&app, assessment, "GOV-2").await.3.to_string();
        fields.push(("version", &version));
        let page = autosave(&app, assessment, "GOV-2", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let slot = format!(r#"id="GOV-2-{field}-error" data-hx-swap-oob="true">"#);
        let message = page.body.split(&slot).nth(1).unwrap_or_default();
        assert!(!message.starts_with('<'), "{field}: a message at the field");
        assert!(
            page.body
                .contains("Les autres champs de ce critère sont enregistrés")
        );
        let returned = returned_version(&page, "GOV-2");
        let (level_stored, _, importance, version) = stored(&app, assessment, "GOV-2").await;
        assert_eq!(
            returned, version,
            "the form goes on from the stored version"
        );
        let (evidence_stored, target, confidence) = stored_texts(&app, assessment, "GOV-2").await;
        if *field != "evidence" {
            assert_eq!(
                evidence_stored, evidence,
                "{field} refused: evidence stored"
            );
        }
        if *field != "level" {
            assert_eq!(
                level_stored,
                level.parse().ok(),
                "{field} refused: level stored"
            );
        }
        if *field != "importance" {
            assert_eq!(importance, 2, "{field} refused: importance stored");
        }
        if *field != "confidence" {
            assert_eq!(confidence.as_deref(), Some("documente"), "{field}");
        }
        if *field != "target" {
            assert_eq!(target, Some(4), "{field} refused: target stored");
        }
    }
}

#[tokio::test]
async fn a_stale_save_writes_only_its_own_changes_and_shows_each_conflicting_field() {
    let (app, _, assessment) = setup().await;
    let other = app.new_browser();
    let other_email = other.sign_in_as(Role::Consultant, &[]).await;
    // Both loaded the section at version 1; the other consultant sets the level and evidence.
    let first = autosave(
        &other,
        assessment,
        "GOV-1",
        &[
            ("level", "2"),
            ("importance", "1"),
            ("evidence", "Stratégie votée."),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(returned_version(&first, "GOV-1"), 2);

    // A stale form that changed only the confidence: stored, nothing else written back, and
    // the form is told what is stored now.
    let confidence = autosave(
        &app,
        assessment,
        "GOV-1",
        &[
            ("level", ""),
            ("importance", "1"),
            ("confidence", "verifie"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(confidence.status, StatusCode::OK, "{}", confidence.body);
    assert_eq!(
        stored(&app, assessment, "GOV-1").await.0,
        Some(2),
        "level kept"
    );
    let (evidence, _, stored_confidence) = stored_texts(&app, assessment, "GOV-1").await;
    assert_eq!(evidence, "Stratégie votée.");
    assert_eq!(stored_confidence.as_deref(), Some("verifie"));
    assert_eq!(returned_version(&confidence, "GOV-1"), 3);
    assert!(
        confidence.body.contains("&#34;level&#34;:&#34;2&#34;"),
        "the form shows the stored level: {}",
        confidence.body
    );

    // A stale form that changed the level too: that field conflicts, nothing is overwritten,
    // both values and the other author are shown, and the form holds the conflict.
    let second = autosave(
        &app,
        assessment,
        "GOV-1",
        &[
            ("level", "3"),
            ("importance", "1"),
            ("confidence", "verifie"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains(&other_email), "{}", second.body);
    assert!(second.body.contains("Garder ma saisie"));
    assert!(second.body.contains("Reprendre la valeur enregistrée"));
    assert!(second.body.contains(r#"name="GOV-1.keep" value="level""#));
    assert!(
        second
            .body
            .contains(r#"<td class="mine">3</td><td class="theirs">2</td>"#)
    );
    assert!(
        !second.body.contains(r#"value="evidence""#),
        "only the level conflicts"
    );
    assert_eq!(stored(&app, assessment, "GOV-1").await.0, Some(2));
    assert!(second.body.contains(r#"id="GOV-1-held" value="level""#));
    let version = returned_version(&second, "GOV-1").to_string();

    // Later automatic saves keep the conflict until the consultant chooses (the form shows
    // the stored evidence it was sent).
    let held = [
        ("level", "4"),
        ("importance", "1"),
        ("confidence", "verifie"),
        ("evidence", "Stratégie votée."),
        ("held", "level"),
    ];
    let mut again = held.to_vec();
    again.push(("version", &version));
    let page = autosave(&app, assessment, "GOV-1", &again).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(stored(&app, assessment, "GOV-1").await.0, Some(2));

    // "Keep my input" for that field writes it.
    let mut kept = again.clone();
    kept.push(("keep", "level"));
    let page = autosave(&app, assessment, "GOV-1", &kept).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(stored(&app, assessment, "GOV-1").await.0, Some(4));
    assert!(page.body.contains(r#"id="GOV-1-held" value="""#));
    let (evidence, _, _) = stored_texts(&app, assessment, "GOV-1").await;
    assert_eq!(
        evidence, "Stratégie votée.",
        "untouched by every save of this form"
    );
}

#[tokio::test]
async fn taking_the_stored_value_and_a_conflict_with_oneself_in_another_tab() {
    let (app, _, assessment) = setup().await;
    // One browser, two tabs: both loaded the criterion at version 1.
    let save = |evidence: &'static str| {
        let fields = [
            ("level", "1"),
            ("importance", "1"),
            ("evidence", evidence),
            ("version", "1"),
        ];
        let app = &app;
        async move { autosave(app, assessment, "ECO-1", &fields).await }
    };
    assert_eq!(save("Note du premier onglet").await.status, StatusCode::OK);
    let stale = save("Note du second onglet").await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("vous, dans un autre onglet"),
        "{}",
        stale.body
    );
    let version = returned_version(&stale, "ECO-1").to_string();
    let taken = autosave(
        &app,
        assessment,
        "ECO-1",
        &[
            ("level", "1"),
            ("importance", "1"),
            ("evidence", "Note du second onglet"),
            ("held", "evidence"),
            ("take", "evidence"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(
        stored_texts(&app, assessment, "ECO-1").await.0,
        "Note du premier onglet"
    );
    assert!(
        taken
            .body
            .contains("&#34;evidence&#34;:&#34;Note du premier onglet&#34;"),
        "the form is given the stored text: {}",
        taken.body
    );
}

#[tokio::test]
async fn concurrent_saves_are_each_stored_or_reported_as_a_conflict() {
    let (app, _, assessment) = setup().await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for writer in 0..8 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for round in 0..5 {
                let version = stored(&app, assessment, "ENV-1").await.3;
                // Every save carries a distinct text, so none is "unchanged".
                let evidence = format!("rédacteur {writer}, essai {round}");
                let page = autosave(
                    &app,
                    assessment,
                    "ENV-1",
                    &[
                        ("level", "1"),
                        ("importance", "1"),
                        ("evidence", &evidence),
                        ("version", &version.to_string()),
                    ],
                )
                .await;
                outcomes.push((page.status, evidence, returned_version(&page, "ENV-1")));
            }
            outcomes
        }));
    }
    let mut accepted = Vec::new();
    for task in tasks {
        for (status, evidence, version) in task.await.unwrap() {
            match status {
                StatusCode::OK => accepted.push((version, evidence)),
                StatusCode::CONFLICT => {}
                other => panic!("unexpected {other}"),
            }
        }
    }
    assert!(!accepted.is_empty());
    // Each accepted save produced its own version: none was overwritten unseen.
    let mut versions: Vec<i32> = accepted.iter().map(|(v, _)| *v).collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(
        versions.len(),
        accepted.len(),
        "two saves claimed one version"
    );
    let (version, evidence): (i32, String) = sqlx::query_as(
        "select a.version, a.evidence from criterion_answer a join criterion c using (criterion_id)
          where a.assessment_id = $1 and c.code = 'ENV-1'",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(version as usize, 1 + accepted.len());
    let last = accepted.iter().max_by_key(|(v, _)| *v).unwrap();
    assert_eq!((version, evidence), last.clone());
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'answer.update' and object_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited as usize, accepted.len());
}

#[tokio::test]
async fn many_simultaneous_conflicts_are_all_answered_as_conflicts() {
    let (app, _, assessment) = setup().await;
    autosave(
        &app,
        assessment,
        "LIV-1",
        &[("level", "1"), ("importance", "1"), ("version", "1")],
    )
    .await;
    // More stale saves at once than the pool has connections: each must come back as a
    // conflict (no request may wait for a second connection while holding one).
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..48)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let level = (n % 5).to_string();
                autosave(
                    &app,
                    assessment,
                    "LIV-1",
                    &[("level", &level), ("importance", "1"), ("version", "1")],
                )
                .await
                .status
            })
        })
        .collect();
    for task in tasks {
        let status = task.await.unwrap();
        assert!(
            status == StatusCode::CONFLICT || status == StatusCode::OK,
            "{status}"
        );
    }
    let (level, _, _, version) = stored(&app, assessment, "LIV-1").await;
    assert_eq!((level, version), (Some(1), 2), "no stale save was stored");
}

#[tokio::test]
async fn values_for_unknown_criteria_or_indicators_are_reported_not_dropped() {
    let (app, _, assessment) = setup().await;
    let page = app
        .post_form(
            &format!("/evaluations/{assessment}/MOB"),
            &[
                ("MOB-1.version", "1"),
                ("MOB-1.level", "2"),
                ("MOB-1.importance", "3"),
                ("XYZ-9.level", "2"),
                ("ENV-1.level", "3"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("n&#39;existent pas dans cette section"),
        "{}",
        page.body
    );
    assert!(page.body.contains("ENV-1, XYZ-9"));
    // The known criterion was saved; nothing else changed.
    assert_eq!(stored(&app, assessment, "MOB-1").await.0, Some(2));
    assert_eq!(stored(&app, assessment, "ENV-1").await.0, None);
}

#[tokio::test]
async fn a_save_audits_the_changed_fields_only_and_an_unchanged_save_writes_nothing() {
    let (app, _, assessment) = setup().await;
    // The first save, one that changes only the evidence, and the same input again (saved as
    // it is: no new version, no audit entry).
    for (evidence, version, shown) in [
        ("3 mars", "1", "2"),
        ("4 mars", "2", "3"),
        ("4 mars", "3", "3"),
    ] {
        let evidence = format!("Délibération du {evidence}");
        let fields = [
            ("level", "2"),
            ("importance", "2"),
            ("evidence", evidence.as_str()),
            ("confidence", "documente"),
            ("version", version),
        ];
        let page = autosave(&app, assessment, "GOV-2", &fields).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let next = format!(r#"value="{shown}" data-hx-swap-oob="true""#);
        assert!(page.body.contains(&next), "{}", page.body);
    }
    let audited: Vec<(serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "select before, after from audit_event
          where action = 'answer.update' and object_id = $1 order by audit_event_id",
    )
    .bind(assessment)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    let (before, after) = &audited[0];
    assert_eq!(before["level"], serde_json::Value::Null);
    assert_eq!(after["level"], 2);
    assert_eq!(after["confidence"], "documente");
    assert_eq!(after["criterion"], "GOV-2");
    let (before, after) = &audited[1];
    assert_eq!(
        before,
        &serde_json::json!({ "evidence": "Délibération du 3 mars" })
    );
    assert_eq!(
        after,
        &serde_json::json!({ "evidence": "Délibération du 4 mars", "criterion": "GOV-2" })
    );
    let version: i32 = sqlx::query_scalar(
        "select a.version from criterion_answer a join criterion c using (criterion_id)
          where a.assessment_id = $1 and c.code = 'GOV-2'",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(version, 3);
}

#[tokio::test]
async fn a_section_as_a_table_and_ten_pasted_rows_saved_after_their_preview() {
    let (app, _, assessment) = setup().await;
    let table = app
        .get(&format!("/evaluations/{assessment}/GPA/tableau"))
        .await;
    assert_eq!(table.status, StatusCode::OK);
    let codes: Vec<String> = table
        .select("tr.answer th[scope=row] .code")
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert!(codes.len() >= 5, "{codes:?}");
    // Each row saves through the criterion's own route, like a card.
    assert!(table.has(&format!(
        "tr#crit-{}[data-hx-post='/evaluations/{assessment}/reponses/{}']",
        codes[0], codes[0]
    )));

    // Rows from a spreadsheet: the section's criteria and some of another section's (ten in
    // all), then an unknown one.
    let mut codes = codes;
    for n in 1..=10usize.saturating_sub(codes.len()) {
        codes.push(format!("ENV-{n}"));
    }
    let mut text = String::from("Code\tNiveau\tImportance\tFiabilité\tConstat\n");
    for (n, code) in codes.iter().enumerate() {
        text.push_str(&format!(
            "{}\t{}\t2\tDocumenté\tEntretien n° {n} avec la direction\n",
            code.to_lowercase(),
            n % 5
        ));
    }
    let url = format!("/evaluations/{assessment}/GPA/coller");
    let unknown = format!("{text}ZZZ-9\t2\t1\t\tx\n");
    let refused = app.post_form(&url, &[("texte", &unknown)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Aucun critère de cette évaluation ne porte ce code")
    );
    assert!(
        !refused.body.contains("name=\"confirmer\""),
        "nothing can be saved"
    );

    let preview = app.post_form(&url, &[("texte", &text)]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Entretien n° 0 avec la direction"));
    for code in &codes {
        assert_eq!(
            stored(&app, assessment, code).await.0,
            None,
            "a preview saves nothing"
        );
    }
    let mut confirm: Vec<(String, String)> = vec![
        ("texte".into(), text.clone()),
        ("confirmer".into(), "1".into()),
    ];
    for input in preview.select("input[name^='version.']") {
        confirm.push((
            input.attr("name").unwrap().to_owned(),
            input.attr("value").unwrap().to_owned(),
        ));
    }
    assert_eq!(confirm.len(), codes.len() + 2);
    let pairs: Vec<(&str, &str)> = confirm
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app.post_form(&url, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for (n, code) in codes.iter().enumerate() {
        let (level, _, importance, _) = stored(&app, assessment, code).await;
        assert_eq!((level, importance), (Some((n % 5) as i16), 2), "{code}");
        let (evidence, _, confidence) = stored_texts(&app, assessment, code).await;
        assert_eq!(evidence, format!("Entretien n° {n} avec la direction"));
        assert_eq!(confidence.as_deref(), Some("documente"));
    }
    // Every row is audited as an answer save.
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'answer.update' and object_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, codes.len() as i64);

    // The same preview confirmed again after someone changed a row: that row conflicts and
    // keeps what the other stored.
    let other = autosave(
        &app,
        assessment,
        &codes[1],
        &[("level", "4"), ("importance", "2"), ("version", "2")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    let changed = text.replace("Entretien n° 1 avec", "Entretien repris n° 1 avec");
    let mut late: Vec<(String, String)> = confirm.clone();
    late[0].1 = changed;
    let pairs: Vec<(&str, &str)> = late.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let conflict = app.post_form(&url, &pairs).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
    assert_eq!(stored(&app, assessment, &codes[1]).await.0, Some(4));
}

#[tokio::test]
async fn an_indicator_keeps_its_valid_fields_when_one_is_refused() {
    let (app, _, assessment) = setup().await;
    // A source note with a control character is refused; the value and its year are stored.
    let page = autosave(
        &app,
        assessment,
        "MOB-I1",
        &[
            ("value", "41,5"),
            ("year", "2023"),
            ("source_note", "Insee\u{1}"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Non enregistré : Source"),
        "{}",
        page.body
    );
    assert_eq!(returned_version(&page, "MOB-I1"), 2);
    let stored: (Option<f64>, Option<i16>, String) = sqlx::query_as(
        "select v.value, v.year, v.source_note from indicator_value v
           join indicator i using (indicator_id) where v.assessment_id = $1 and i.code = 'MOB-I1'",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, (Some(41.5), Some(2023), String::new()));
}

#[tokio::test]
async fn one_paste_confirmed_eight_times_at_once_saves_each_row_once() {
    let (app, _, assessment) = setup().await;
    let url = format!("/evaluations/{assessment}/ECO/coller");
    let text =
        "ECO-1\t2\t2\t\tVérifié\tRapport d'activité 2025\nECO-2\t3\t1\t\t\tConvention signée";
    let preview = app.post_form(&url, &[("texte", text)]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let mut form: Vec<(String, String)> = vec![
        ("texte".into(), text.into()),
        ("confirmer".into(), "1".into()),
    ];
    for input in preview.select("input[name^='version.']") {
        form.push((
            input.attr("name").unwrap().to_owned(),
            input.attr("value").unwrap().to_owned(),
        ));
    }
    let app = std::sync::Arc::new(app);
    let confirms = (0..8).map(|_| {
        let (app, url, form) = (app.clone(), url.clone(), form.clone());
        async move {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_form(&url, &pairs).await.status
        }
    });
    let statuses = crate::support::join_all(confirms).await;
    // The first writes; the others find what they carry already stored.
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    for (code, level) in [("ECO-1", 2), ("ECO-2", 3)] {
        let (stored_level, _, _, version) = stored(&app, assessment, code).await;
        assert_eq!(
            (stored_level, version),
            (Some(level), 2),
            "{code} written once"
        );
    }
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'answer.update' and object_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}
