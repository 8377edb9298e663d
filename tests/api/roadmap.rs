//! The roadmap (#15): the demo publishes Valence with its chantiers, owners, budgets, funding
//! leads and indicators; edits are validated at each field, version-checked and frozen at
//! publication; the follow-up is written by consultants and read by the territory's élus only;
//! done steps become evidence in the next round.

use reqwest::StatusCode;
use territoires::vocabulary::Role;

use crate::support::{Page, TestApp, join_all};

async fn version(app: &TestApp, assessment: i64) -> i32 {
    sqlx::query_scalar("select version from roadmap where assessment_id = $1")
        .bind(assessment)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn ids(app: &TestApp, sql: &str, assessment: i64) -> Vec<i64> {
    sqlx::query_scalar(sql)
        .bind(assessment)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn chantiers(app: &TestApp, assessment: i64) -> Vec<i64> {
    ids(
        app,
        "select chantier_id from roadmap_chantier where assessment_id = $1 order by position, chantier_id",
        assessment,
    )
    .await
}

/// A draft round of Lyon with answers that give steps, and its proposed roadmap.
async fn planned(app: &TestApp) -> i64 {
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    for (code, level) in [
        ("MOB-1", "1"),
        ("GPA-1", "1"),
        ("DNI-2", "0"),
        ("ENV-1", "2"),
    ] {
        let page = crate::support::autosave(
            app,
            assessment,
            code,
            &[("level", level), ("importance", "3"), ("version", "1")],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    app.roadmap(assessment).await;
    assessment
}

/// A chantier form with every field valid, based on `version`.
fn chantier_form(version: i32) -> Vec<(&'static str, String)> {
    vec![
        ("version", version.to_string()),
        ("title", "Mobilités du quotidien".into()),
        ("objective", "Offre de transport au niveau 2".into()),
        ("elu", "Adjointe aux mobilités".into()),
        ("pilot", "Direction des mobilités".into()),
        ("partners_academia", "Université".into()),
        ("start_month", "3".into()),
        ("end_month", "24".into()),
        ("milestones", "M12 : premières lignes".into()),
        ("budget_min", "40".into()),
        ("budget_max", "180".into()),
        ("etp", "0,8".into()),
        ("funding", "dsil".into()),
        ("followed_1", "MOB-1".into()),
        ("target_1", "2".into()),
    ]
}

async fn post(app: &TestApp, url: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(url, &pairs).await
}

#[tokio::test]
async fn the_demo_publishes_valence_with_owners_budgets_funding_and_indicators() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let demo = territoires::demo::run(&app.pool).await.unwrap();
    let snapshot: serde_json::Value =
        sqlx::query_scalar("select snapshot from report where report_id = $1")
            .bind(demo.report_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let chantiers = snapshot["roadmap"]["chantiers"].as_array().unwrap();
    assert!((5..=8).contains(&chantiers.len()), "{}", chantiers.len());
    for c in chantiers {
        let funding: Vec<String> = c["funding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"]["fr"].as_str().unwrap().to_owned())
            .collect();
        eprintln!(
            "{} | élu: {} | pilote: {} | mois {}–{} | {}–{} k€, {} ETP | {} | suivi: {}",
            c["title"].as_str().unwrap(),
            c["elu"].as_str().unwrap(),
            c["pilot"].as_str().unwrap(),
            c["start_month"],
            c["end_month"],
            c["budget_min_keur"],
            c["budget_max_keur"],
            c["etp"],
            funding.join(", "),
            c["followed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(!c["elu"].as_str().unwrap().is_empty());
        assert!(!c["pilot"].as_str().unwrap().is_empty());
        assert!(c["budget_max_keur"].as_i64().unwrap() > 0);
        assert!(!funding.is_empty(), "{c}");
        assert!(
            c["funding"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        assert!(!c["followed"].as_array().unwrap().is_empty());
        assert!(!c["steps"].as_array().unwrap().is_empty());
    }
    let page = app.get(&format!("/rapports/{}", demo.report_id)).await;
    assert!(page.body.contains(r#"<svg class="chart gantt" id="gantt""#));
    let first = chantiers[0]["title"].as_str().unwrap();
    assert!(page.body.contains(&crate::support::escaped(first)));

    // The workbook holds the same roadmap, for the same readers.
    let response = app
        .client
        .get(app.url(&format!("/rapports/{}.xlsx", demo.report_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = response.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        [
            "Synthèse",
            "Critère",
            "Indicateur",
            "Feuille de route",
            "Étapes"
        ]
    );
    let sheet = book.worksheet_range("Feuille de route").unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&calamine::Data::String("Titre du chantier".into()))
    );
    for (n, c) in chantiers.iter().enumerate() {
        let row = n as u32 + 1;
        assert_eq!(
            sheet.get_value((row, 0)),
            Some(&calamine::Data::String(format!(
                "{}. {}",
                n + 1,
                c["title"].as_str().unwrap()
            )))
        );
        assert_eq!(
            sheet.get_value((row, 6)),
            Some(&calamine::Data::Float(
                c["budget_max_keur"].as_f64().unwrap()
            ))
        );
    }
    let criteria = book.worksheet_range("Critère").unwrap();
    assert_eq!(criteria.height(), 62, "a header and 61 criteria");

    // The follow-up: a consultant marks a step done; the élu of Valence sees it.
    let step: i64 = sqlx::query_scalar(
        "select min(s.step_id) from roadmap_step s join report r using (assessment_id)
          where r.report_id = $1 and s.chantier_id is not null",
    )
    .bind(demo.report_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let url = format!("/rapports/{}/suivi/etapes/{step}", demo.report_id);
    let done = app
        .post_form(
            &url,
            &[
                ("status", "fait"),
                ("date", "2026-11-30"),
                ("comment", "Livré en comité"),
                ("seen", "0"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // The same view again is out of date: refused, nothing hidden.
    let stale = app
        .post_form(
            &url,
            &[
                ("status", "en_cours"),
                ("date", "2026-12-01"),
                ("seen", "0"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("mise à jour entre-temps"));
    let bad = app
        .post_form(
            &url,
            &[("status", "termine"), ("date", "30/11/2026"), ("seen", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Choisissez une situation.") && bad.body.contains("Saisissez une date")
    );

    let elu = app.new_browser();
    elu.sign_in_as(Role::Elu, &[demo.territory_id.0]).await;
    let followup = elu
        .get(&format!("/rapports/{}/suivi", demo.report_id))
        .await;
    assert_eq!(followup.status, StatusCode::OK);
    let line = followup.one(&format!("#etape-{step} .status-line"));
    assert!(
        line.text.contains("Fait") && line.text.contains("2026-11-30"),
        "{}",
        line.text
    );
    assert!(line.text.contains("Livré en comité"));
    assert!(!followup.has("form.status-form"), "élus read only");
    let write = elu
        .post_form(
            &url,
            &[
                ("status", "abandonne"),
                ("date", "2026-12-01"),
                ("seen", "1"),
            ],
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let lyon = app.territory("69123").await;
    let other = app.new_browser();
    other.sign_in_as(Role::Elu, &[lyon]).await;
    let refused = other
        .get(&format!("/rapports/{}/suivi", demo.report_id))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let xlsx = |browser: &TestApp| {
        let url = browser.url(&format!("/rapports/{}.xlsx", demo.report_id));
        let client = browser.client.clone();
        async move { client.get(url).send().await.unwrap().status() }
    };
    assert_eq!(xlsx(&elu).await, StatusCode::OK);
    assert_eq!(xlsx(&other).await, StatusCode::NOT_FOUND);

    // The next round starts from it: the step done is evidence for the level above.
    let round = app
        .post_form(
            &format!("/territoires/{}/evaluations", demo.territory_id),
            &[
                ("round_date", "2027-06-01"),
                ("label", "Suivi"),
                ("prefill", "on"),
            ],
        )
        .await;
    assert_eq!(round.status, StatusCode::SEE_OTHER, "{}", round.body);
    let evidence: Vec<String> = sqlx::query_scalar(
        "select ca.evidence from criterion_answer ca
          where ca.assessment_id = $1 and ca.evidence like '%réalisée le 30/11/2026 : Livré en comité%'",
    )
    .bind(round.created_id())
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");

    // Its roadmap continues the published one: the chantiers that share criteria keep their
    // titles, owners and partners, marked for review until saved.
    let next = round.created_id();
    app.roadmap(next).await;
    let carried: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "select n.chantier_id, n.title, n.elu, n.pilot, n.carried_from
           from roadmap_chantier n where n.assessment_id = $1 and n.carried_from is not null",
    )
    .bind(next)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!carried.is_empty(), "some chantiers are carried over");
    for (_, title, elu, pilot, from) in &carried {
        let earlier: (String, String) = sqlx::query_as(
            "select c.elu, c.pilot from roadmap_chantier c
               join assessment a on a.assessment_id = c.assessment_id
              where a.territory_id = $1 and a.assessment_id <> $2 and c.title = $3
              order by a.assessment_id desc limit 1",
        )
        .bind(demo.territory_id.0)
        .bind(next)
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!((elu, pilot), (&earlier.0, &earlier.1));
        assert_eq!(from.as_deref(), Some(title.as_str()));
    }
    let page = app
        .get(&format!("/evaluations/{next}/feuille-de-route"))
        .await;
    assert!(page.body.contains("Repris, à revoir"));
    let (chantier, ..) = &carried[0];
    let v = version(&app, next).await;
    let saved = post(
        &app,
        &format!("/evaluations/{next}/feuille-de-route/chantiers/{chantier}"),
        &[
            ("version", v.to_string()),
            ("scope", "essentiel".into()),
            ("title", carried[0].1.clone()),
            ("elu", carried[0].2.clone()),
            ("pilot", carried[0].3.clone()),
            ("start_month", "1".into()),
            ("end_month", "12".into()),
            ("budget_min", "0".into()),
            ("budget_max", "10".into()),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let reviewed: Option<String> =
        sqlx::query_scalar("select carried_from from roadmap_chantier where chantier_id = $1")
            .bind(chantier)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(reviewed, None, "saved: reviewed");
}

#[tokio::test]
async fn each_mistake_in_a_chantier_is_reported_at_its_field_with_the_input_kept() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let assessment = planned(&app).await;
    let chantier = chantiers(&app, assessment).await[0];
    let url = format!("/evaluations/{assessment}/feuille-de-route/chantiers/{chantier}");
    let v = version(&app, assessment).await;
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        (
            "end_month",
            "2",
            "end",
            "Le mois de fin précède le mois de début.",
        ),
        (
            "budget_max",
            "10",
            "bmax",
            "Le budget maximum est inférieur au minimum.",
        ),
        ("followed_1", "ZZZ-1", "followed_1", "Code inconnu"),
        (
            "funding",
            "loto",
            "funding",
            "Piste de financement inconnue",
        ),
        ("etp", "beaucoup", "etp", "Saisissez un nombre."),
        ("title", "", "title", "Donnez un titre au chantier."),
    ];
    for (field, value, id, message) in cases {
        let mut form = chantier_form(v);
        form.retain(|(k, _)| *k != field);
        form.push((field, value.to_owned()));
        let page = post(&app, &url, &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let error = page.one(&format!("#c{chantier}-{id}-error"));
        assert!(error.text.contains(message), "{field}: {}", error.text);
        // What was typed is still there.
        let objective = page.one(&format!("#c{chantier}-objective"));
        assert_eq!(objective.text, "Offre de transport au niveau 2");
    }
    assert_eq!(version(&app, assessment).await, v, "nothing stored");
    let saved = post(&app, &url, &chantier_form(v)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (title, etp, funding): (String, f64, Vec<String>) = sqlx::query_as(
        "select title, etp::float8, funding from roadmap_chantier where chantier_id = $1",
    )
    .bind(chantier)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (title.as_str(), etp, funding),
        ("Mobilités du quotidien", 0.8, vec!["dsil".to_owned()])
    );
}

#[tokio::test]
async fn concurrent_edits_of_a_roadmap_conflict_and_nothing_is_overwritten() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let assessment = planned(&app).await;
    let ids = chantiers(&app, assessment).await;
    let v = version(&app, assessment).await;
    let second = app.new_browser();
    second.sign_in_as(Role::Consultant, &[]).await;
    // Both based on the same version, on two different chantiers.
    let url = |c: i64| format!("/evaluations/{assessment}/feuille-de-route/chantiers/{c}");
    let first = post(&app, &url(ids[0]), &chantier_form(v)).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let mut theirs = chantier_form(v);
    theirs[1].1 = "Leur titre".into();
    let late = post(&second, &url(ids[1]), &theirs).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("modifiée entre-temps"));
    assert_eq!(
        late.one(&format!("#c{}-title", ids[1])).attr("value"),
        Some("Leur titre")
    );
    let titles: Vec<String> = sqlx::query_scalar(
        "select title from roadmap_chantier where assessment_id = $1 and title in ('Mobilités du quotidien', 'Leur titre')",
    )
    .bind(assessment)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(titles, vec!["Mobilités du quotidien"]);

    // Eight saves at once on the current version: exactly one is taken.
    let v = version(&app, assessment).await;
    let app = std::sync::Arc::new(app);
    let saves = (0..8).map(|n| {
        let mut form = chantier_form(v);
        form[1].1 = format!("Titre {n}");
        let app = app.clone();
        let url = url(ids[n % ids.len()]);
        async move { post(&app, &url, &form).await.status }
    });
    let statuses = join_all(saves).await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        7
    );
    assert_eq!(version(&app, assessment).await, v + 1);
}

#[tokio::test]
async fn steps_move_split_drop_with_their_reason_and_come_back() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let assessment = planned(&app).await;
    let before = chantiers(&app, assessment).await;
    let step = ids(
        &app,
        "select step_id from roadmap_step where assessment_id = $1 order by step_id",
        assessment,
    )
    .await[0];
    let url = format!("/evaluations/{assessment}/feuille-de-route/etapes/{step}");
    let v = version(&app, assessment).await;
    // Into a new chantier: a split.
    let split = post(
        &app,
        &url,
        &[
            ("version", v.to_string()),
            ("action", "deplacer".into()),
            ("chantier", "nouveau".into()),
        ],
    )
    .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.body);
    let after = chantiers(&app, assessment).await;
    assert_eq!(after.len(), before.len() + 1);
    let home: Option<i64> =
        sqlx::query_scalar("select chantier_id from roadmap_step where step_id = $1")
            .bind(step)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(home, after.last().copied());
    // Dropped needs a reason.
    let v = version(&app, assessment).await;
    let no_reason = post(
        &app,
        &url,
        &[
            ("version", v.to_string()),
            ("action", "ecarter".into()),
            ("reason", " ".into()),
        ],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .one(&format!("#reason-{step}-error"))
            .text
            .contains("Donnez la raison.")
    );
    let dropped = post(
        &app,
        &url,
        &[
            ("version", v.to_string()),
            ("action", "ecarter".into()),
            ("reason", "Porté par l'agglomération".into()),
        ],
    )
    .await;
    assert_eq!(dropped.status, StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/evaluations/{assessment}/feuille-de-route"))
        .await;
    assert!(
        page.one("#ecartees")
            .text
            .contains("Porté par l'agglomération")
    );
    // Restored into the first chantier.
    let v = version(&app, assessment).await;
    let back = post(
        &app,
        &url,
        &[
            ("version", v.to_string()),
            ("action", "deplacer".into()),
            ("chantier", before[0].to_string()),
        ],
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let (home, reason): (Option<i64>, Option<String>) =
        sqlx::query_as("select chantier_id, dropped_reason from roadmap_step where step_id = $1")
            .bind(step)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((home, reason), (Some(before[0]), None));
    // Another roadmap's chantier is not a destination.
    let v = version(&app, assessment).await;
    let foreign = post(
        &app,
        &url,
        &[
            ("version", v.to_string()),
            ("action", "deplacer".into()),
            ("chantier", "999999".into()),
        ],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn publication_needs_a_chantier_and_freezes_the_roadmap() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    app.review(assessment).await;
    let refused = app
        .post_form(
            &format!("/evaluations/{assessment}/publier"),
            &[("version", "2")],
        )
        .await;
    assert_eq!(
        refused.header("location"),
        format!("/evaluations/{assessment}?publication=feuille-de-route")
    );
    let overview = app.get(refused.header("location")).await;
    assert!(
        overview
            .body
            .contains("la feuille de route n&#39;a aucun chantier")
    );

    let report = app.publish_reviewed(assessment, 2).await;
    let frozen: (serde_json::Value, String) =
        sqlx::query_as("select snapshot, body_fr from report where report_id = $1")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        !frozen.0["roadmap"]["chantiers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // After publication, an edit is refused and the report stays as published.
    let chantier = chantiers(&app, assessment).await[0];
    let v = version(&app, assessment).await;
    let late = post(
        &app,
        &format!("/evaluations/{assessment}/feuille-de-route/chantiers/{chantier}"),
        &chantier_form(v),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("figée dans le rapport"));
    let now: (serde_json::Value, String) =
        sqlx::query_as("select snapshot, body_fr from report where report_id = $1")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(now, frozen);
    let title: String =
        sqlx::query_scalar("select title from roadmap_chantier where chantier_id = $1")
            .bind(chantier)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_ne!(title, "Mobilités du quotidien");
}

#[tokio::test]
async fn the_overview_table_renames_and_names_owners_without_touching_the_rest() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let assessment = planned(&app).await;
    let url = format!("/evaluations/{assessment}/feuille-de-route");
    let chantier = chantiers(&app, assessment).await[0];
    // The details first, as a consultant would have written them.
    let v = version(&app, assessment).await;
    let details = post(
        &app,
        &format!("{url}/chantiers/{chantier}"),
        &chantier_form(v),
    )
    .await;
    assert_eq!(details.status, StatusCode::SEE_OTHER, "{}", details.body);
    let page = app.get(&url).await;
    assert!(page.has(&format!("table.roadmap-overview #o{chantier}-title")));
    assert!(page.has(&format!("a[href='#chantier-{chantier}']")));

    // One row of the table: title, owners, months, budget; the rest stays as stored.
    let v = version(&app, assessment).await.to_string();
    let row: Vec<(&'static str, String)> = vec![
        ("version", v),
        ("scope", "essentiel".into()),
        ("title", "Mobilités partagées".into()),
        ("elu", "Maire adjoint aux transports".into()),
        ("pilot", "Direction de l'espace public".into()),
        ("start_month", "4".into()),
        ("end_month", "20".into()),
        ("budget_min", "50".into()),
        ("budget_max", "120".into()),
    ];
    let saved = post(&app, &format!("{url}/chantiers/{chantier}"), &row).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.header("location"),
        format!("{url}?enregistre=1#chantiers-tableau")
    );
    let confirmed = app.get(saved.header("location")).await;
    assert!(confirmed.body.contains("Modification enregistrée."));
    let stored: (String, String, String, String, String, i16, i32, Vec<String>) = sqlx::query_as(
        "select title, elu, pilot, objective, partners_academia, end_month, budget_max_keur, funding
           from roadmap_chantier where chantier_id = $1",
    )
    .bind(chantier)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.0, "Mobilités partagées");
    assert_eq!(stored.1, "Maire adjoint aux transports");
    assert_eq!(stored.2, "Direction de l'espace public");
    assert_eq!(
        stored.3, "Offre de transport au niveau 2",
        "objective untouched"
    );
    assert_eq!(stored.4, "Université", "partners untouched");
    assert_eq!((stored.5, stored.6), (20, 120));
    assert_eq!(stored.7, ["dsil"], "funding untouched");

    // A bad month in the row: 422, its message, nothing stored.
    let mut bad = row.clone();
    bad[0].1 = version(&app, assessment).await.to_string();
    bad[6].1 = "40".into();
    let refused = post(&app, &format!("{url}/chantiers/{chantier}"), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has(&format!("#o{chantier}-end[aria-invalid=true]")));
}
