//! Reports: publishing freezes a snapshot that re-renders byte for byte whatever changes later;
//! élus read their territories' reports only; drafts are previewed as such; partial data is
//! said, not hidden; `territoires demo` publishes a complete report.

use reqwest::StatusCode;
use territoires::accounts::Role;

use crate::support::{TestApp, fetch_encoded};

/// Answers every criterion of `dimension` through the section form: at `level` ("0"–"4"),
/// or "na" with a justification.
async fn answer_section(app: &TestApp, assessment: i64, dimension: &str, level: &str) {
    let codes: Vec<String> = sqlx::query_scalar(
        "select c.code from criterion c join dimension d using (dimension_id)
           join assessment a on a.framework_version_id = c.framework_version_id
          where a.assessment_id = $1 and d.code = $2 order by c.position",
    )
    .bind(assessment)
    .bind(dimension)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut fields = Vec::new();
    for code in &codes {
        fields.push((format!("{code}.version"), "1".to_owned()));
        fields.push((format!("{code}.level"), level.to_owned()));
        fields.push((format!("{code}.importance"), "2".to_owned()));
        if level == "na" {
            fields.push((
                format!("{code}.justification"),
                "Compétence de la métropole".to_owned(),
            ));
        } else {
            fields.push((format!("{code}.evidence"), format!("Constat {code}")));
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = app
        .post_form(&format!("/evaluations/{assessment}/{dimension}"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn a_published_report_shows_the_synthesis_to_the_elus_of_its_territory_only() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let marseille = app.territory("13055").await;
    let assessment = app.assessment(lyon).await;
    answer_section(&app, assessment, "ECO", "3").await;
    answer_section(&app, assessment, "MOB", "1").await;
    answer_section(&app, assessment, "RCO", "2").await;

    let preview = app.get(&format!("/evaluations/{assessment}/apercu")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Aperçu provisoire"));

    // Publishing needs the review status.
    let early = app
        .post_form(
            &format!("/evaluations/{assessment}/publier"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(
        early.header("location"),
        format!("/evaluations/{assessment}?publication=refusee")
    );
    let report = app.publish(assessment).await;

    let page = app.get(&format!("/rapports/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(!body.contains("Aperçu provisoire"));
    for expected in [
        "Synthèse",
        "Maturité des six axes",
        "Maturité de l&#39;organisation",
        r#"<svg class="chart radar" id="radar-axes""#,
        r#"<svg class="chart radar" id="radar-dimensions""#,
        "Points forts",
        "Points faibles",
        "Les cinq priorités",
        "Matrice des priorités",
        "Plan d&#39;actions par horizon",
        "Constat ECO-1",
    ] {
        assert!(body.contains(expected), "missing {expected}");
    }
    // The annexes are a page of their own, which the report's contents and its end link to.
    assert!(!body.contains(r#"<h2 id="methode">"#));
    let annexes = format!("/rapports/{report}/annexes");
    assert!(body.contains(&format!(
        r##"<li id="methode"><a href="{annexes}#methode">"##
    )));
    assert!(body.contains(&format!(r##"<a href="{annexes}#glossaire">"##)));
    assert!(body.contains(r##"<a href="#methode">"##));
    let appendix = app.get(&annexes).await;
    assert_eq!(appendix.status, StatusCode::OK);
    for expected in [
        r#"<h2 id="methode">Annexe méthodologique"#,
        r#"<h2 id="glossaire">"#,
    ] {
        assert!(appendix.body.contains(expected), "missing {expected}");
    }
    assert!(!appendix.body.contains("Les cinq priorités"));
    assert!(
        appendix
            .body
            .contains(&format!(r#"href="/rapports/{report}""#))
    );
    // ECO at 3, MOB at 1: (3 × n + 1 × m) / (n + m) over the two answered axes… ECO alone is 3,0.
    assert!(
        body.contains("ECO Économie intelligente</th><td class=\"num\">3,0 / 4"),
        "{body}"
    );
    assert!(body.contains("MOB Mobilité intelligente</th><td class=\"num\">1,0 / 4"));
    // Every chart has its table equivalent.
    assert_eq!(body.matches("<figure>").count(), 4);
    assert_eq!(body.matches("<figcaption>").count(), 4);
    assert!(body.contains(r#"<svg class="chart gantt" id="gantt""#));

    let english = app.get(&format!("/rapports/{report}?lang=en")).await;
    assert!(english.body.contains("Maturity of the six axes"));

    // Élus: their territory's report, not another's.
    let elu = app.new_browser();
    elu.sign_in_as(Role::Elu, &[lyon]).await;
    assert_eq!(
        elu.get(&format!("/rapports/{report}")).await.status,
        StatusCode::OK
    );
    let home = elu.get("/").await;
    assert!(home.body.contains(&format!(r#"href="/rapports/{report}""#)));
    let other = elu.new_browser();
    other.sign_in_as(Role::Elu, &[marseille]).await;
    let refused = other.get(&format!("/rapports/{report}")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused = other.get(&format!("/rapports/{report}/annexes")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        elu.get(&format!("/rapports/{report}/annexes")).await.status,
        StatusCode::OK
    );
    assert!(!other.get("/").await.body.contains("/rapports/"));
    assert_eq!(
        elu.get(&format!("/evaluations/{assessment}/apercu"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Revalidation: the same page, in the same language, answers 304.
    let page = app.get(&format!("/rapports/{report}?lang=fr")).await;
    let etag = page.header("etag").to_owned();
    assert!(!etag.is_empty());
    let again = app
        .get_with(&format!("/rapports/{report}"), &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn a_published_report_never_changes_whatever_changes_afterwards() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let assessment = app.assessment(lyon).await;
    answer_section(&app, assessment, "GOV", "2").await;
    let report = app.publish(assessment).await;
    let before = app.get(&format!("/rapports/{report}")).await.body;
    let before_en = app.get(&format!("/rapports/{report}?lang=en")).await.body;
    app.get(&format!("/rapports/{report}?lang=fr")).await;

    // The assessment, the framework and the territory all change.
    for sql in [
        "update criterion_answer set level = 4, evidence = 'réécrit'
          where assessment_id = $1 and not not_applicable",
        "update criterion set name_fr = 'Critère renommé', name_en = 'Renamed'
          where framework_version_id = (select framework_version_id from assessment where assessment_id = $1)",
        "update level_descriptor set text_fr = 'Descripteur réécrit'",
        "update maturity_level set label_fr = 'Niveau renommé'",
        "update territory set name = 'Lyon renommée'
          where territory_id = (select territory_id from assessment where assessment_id = $1)",
    ] {
        let query = sqlx::query(sql);
        let query = if sql.contains("$1") { query.bind(assessment) } else { query };
        query.execute(&app.pool).await.unwrap();
    }
    let after = app.get(&format!("/rapports/{report}")).await.body;
    assert!(before == after, "the report changed after publication");
    let after_en = app.get(&format!("/rapports/{report}?lang=en")).await.body;
    assert!(
        before_en == after_en,
        "the English report changed after publication"
    );
    // Even the database refuses to touch it.
    let tampered = sqlx::query("update report set body_fr = 'x' where report_id = $1")
        .bind(report)
        .execute(&app.pool)
        .await;
    assert!(tampered.is_err());
    // The assessment is read-only now.
    let save = app
        .post_form(
            &format!("/evaluations/{assessment}/reponses/GOV-1"),
            &[
                ("GOV-1.level", "1"),
                ("GOV-1.importance", "1"),
                ("GOV-1.version", "2"),
            ],
        )
        .await;
    assert_eq!(save.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_report_with_na_and_missing_indicators_says_what_is_missing() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let assessment = app.assessment(lyon).await;
    // One axis entirely not applicable, one answered, the rest empty; no indicator.
    answer_section(&app, assessment, "MOB", "na").await;
    answer_section(&app, assessment, "ENV", "2").await;
    let report = app.publish(assessment).await;
    let page = app.get(&format!("/rapports/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Ce rapport repose sur des données partielles"));
    // The lists are in the method annex.
    let annexes = app.get(&format!("/rapports/{report}/annexes")).await.body;
    assert!(annexes.contains("Critères non renseignés : ECO-2"));
    assert!(
        annexes.contains("Critères sans objet : ECO-1, MOB-1"),
        "{annexes}"
    );
    assert!(annexes.contains("Indicateurs sans valeur : ECO-I1"));
    assert!(annexes.contains("Axes incomplets : ECO, MOB"), "{annexes}");
    assert!(
        body.contains("MOB Mobilité intelligente</th><td class=\"num\">–</td>"),
        "an all-N/A axis has no maturity"
    );
    assert!(body.contains("pas de valeur"));
}

#[tokio::test]
async fn a_second_round_shows_the_evolution_since_the_first() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let first = app.assessment(lyon).await;
    answer_section(&app, first, "ECO", "1").await;
    app.publish(first).await;
    let second = app
        .post_form(
            &format!("/territoires/{lyon}/evaluations"),
            &[("round_date", "2027-11-26"), ("prefill", "on")],
        )
        .await;
    let second: i64 = second.created_id();
    answer_section(&app, second, "ECO", "3").await;
    let report = app.publish(second).await;
    let body = app.get(&format!("/rapports/{report}")).await.body;
    assert!(
        body.contains("Évolution depuis la campagne du 26 novembre 2026"),
        "{body}"
    );
    assert!(body.contains(
        "<td class=\"num\">1,0 / 4</td><td class=\"num\">3,0 / 4</td><td class=\"num\">+2,0</td>"
    ));
}

#[tokio::test]
async fn the_demo_publishes_a_complete_report_of_a_real_territory() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let demo = territoires::demo::run(&app.pool).await.unwrap();
    assert!(demo.one_time_password.is_some());
    let (unanswered, na): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where level is null and not not_applicable),
                count(*) filter (where not_applicable)
           from criterion_answer where assessment_id = $1",
    )
    .bind(demo.assessment_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Valence is not competent for five criteria (economic ecosystem and water: the
    // agglomeration; transport: the mobility authority), and MOB-4 was not applicable in v1.
    assert_eq!((unanswered, na), (0, 6));
    let page = app.get(&format!("/rapports/{}", demo.report_id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Valence</h1>"));
    assert!(page.body.contains("Répond à l&#39;enjeu"));
    assert!(page.body.contains("S&#39;appuie sur l&#39;atout"));
    // A second run adds a round prefilled from the first and keeps the account.
    let again = territoires::demo::run(&app.pool).await.unwrap();
    assert_eq!(again.territory_id, demo.territory_id);
    assert!(again.one_time_password.is_none());
    let body = app
        .get(&format!("/rapports/{}", again.report_id))
        .await
        .body;
    assert!(body.contains("Évolution depuis la campagne du"));
}

#[tokio::test]
async fn the_consultant_rewrites_the_key_messages_before_publication() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let url = format!("/evaluations/{assessment}/synthese");
    let draft = app.get(&url).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.body.contains("Texte proposé par l&#39;outil"));
    // Six messages are too many; the input stays.
    let six = "1\n2\n3\n4\n5\n6";
    let refused = app
        .post_form(
            &url,
            &[("version", "0"), ("messages", six), ("decisions", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .one("#messages-error")
            .text
            .contains("de un à cinq messages")
    );
    let kept: Vec<String> = refused
        .select("textarea[name=message]")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(
        kept,
        ["1", "2", "3", "4", "5", "6"],
        "one field per message, input kept"
    );
    let saved = app
        .post_form(
            &url,
            &[
                ("version", "0"),
                (
                    "messages",
                    "Une démarche qui démarre.\nLe portage politique est là.",
                ),
                ("decisions", "Adopter la feuille de route."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // A second writer based on the draft (version 0) is refused, input kept.
    let late = app
        .post_form(
            &url,
            &[
                ("version", "0"),
                ("messages", "Autre chose."),
                ("decisions", ""),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.one("#message-0").text, "Autre chose.");
    let report = app.publish(assessment).await;
    let body = app.get(&format!("/rapports/{report}")).await;
    let messages: Vec<String> = body
        .select("section.brief ul li")
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(
        messages,
        ["Une démarche qui démarre.", "Le portage politique est là."]
    );
    assert_eq!(
        body.one("section.brief ol li").text,
        "Adopter la feuille de route."
    );
    // Published: frozen.
    let after = app
        .post_form(
            &url,
            &[
                ("version", "1"),
                ("messages", "Trop tard."),
                ("decisions", ""),
            ],
        )
        .await;
    assert_eq!(after.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn en_bref_has_one_field_per_message_moved_removed_and_previewed() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let url = format!("/evaluations/{assessment}/synthese");
    let page = app.get(&url).await;
    assert!(page.select("textarea[name=message]").len() >= 5);
    assert_eq!(page.select("textarea[name=decision]").len(), 3);
    let fields = |change: &'static str| {
        vec![
            ("version", "0"),
            ("message", "Premier message."),
            // A line break typed inside a field never splits a message in two.
            ("message", "Deuxième\nmessage."),
            ("message", ""),
            ("message", "Troisième message."),
            ("message", ""),
            ("decision", "Adopter la feuille de route."),
            ("decision", ""),
            ("decision", ""),
            ("change", change),
        ]
    };
    // A preview shows page 1 as it would read, and saves nothing.
    let mut preview = fields("");
    preview.push(("apercu", "1"));
    let shown = app.post_form(&url, &preview).await;
    assert_eq!(shown.status, StatusCode::OK);
    let items: Vec<String> = shown
        .select(".brief-preview section.brief ul li")
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(
        items,
        [
            "Premier message.",
            "Deuxième message.",
            "Troisième message."
        ]
    );
    assert!(
        app.get(&url)
            .await
            .body
            .contains("Texte proposé par l&#39;outil")
    );
    // Moving the third message (in the fourth field, after an emptied one) up saves the new
    // order at once.
    let moved = app.post_form(&url, &fields("message-3-up")).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = app.get(&format!("{url}?enregistre=1")).await;
    assert!(page.body.contains("« En bref » enregistré."));
    let texts: Vec<String> = page
        .select("textarea[name=message]")
        .into_iter()
        .map(|t| t.text)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        texts,
        [
            "Premier message.",
            "Troisième message.",
            "Deuxième message."
        ]
    );
    // Removing one.
    let mut removal = vec![("version", "1")];
    for text in &texts {
        removal.push(("message", text.as_str()));
    }
    removal.push(("change", "message-0-remove"));
    let removed = app.post_form(&url, &removal).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let stored: String =
        sqlx::query_scalar("select messages from report_narrative where assessment_id = $1")
            .bind(assessment)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, "Troisième message.\nDeuxième message.");
}

/// How many languages of `report` have their compression stored.
async fn encodings(app: &TestApp, report: i64) -> i64 {
    sqlx::query_scalar("select count(*) from report_encoding where report_id = $1")
        .bind(report)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn compressed_and_identity_reports_decode_to_the_same_page() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let assessment = app.assessment(lyon).await;
    for dimension in ["ECO", "MOB", "GOV", "DNI"] {
        answer_section(&app, assessment, dimension, "2").await;
    }
    let report = app.publish(assessment).await;
    // Publication leaves the compression to the report's job (no worker runs here): the first
    // reading of each language compresses and stores it.
    assert_eq!(encodings(&app, report).await, 0);

    for lang in ["fr", "en"] {
        let path = format!("/rapports/{report}?lang={lang}");
        let (coding, plain_size, plain) = fetch_encoded(&app, &path, "identity").await;
        assert_eq!(coding, "");
        assert!(plain.contains("</html>") && plain.contains("Lyon"));
        let (coding, br_size, br) = fetch_encoded(&app, &path, "gzip, deflate, br, zstd").await;
        assert_eq!(coding, "br");
        assert_eq!(br, plain);
        let (coding, gzip_size, gzip) = fetch_encoded(&app, &path, "gzip, deflate").await;
        assert_eq!(coding, "gzip");
        assert_eq!(gzip, plain);
        assert!(br_size * 4 < plain_size, "{br_size} of {plain_size} bytes");
        assert!(
            gzip_size * 4 < plain_size,
            "{gzip_size} of {plain_size} bytes"
        );
    }
    assert_eq!(encodings(&app, report).await, 2);

    // A report published before compression was stored is compressed at its first reading
    // (on an instance that has not read it yet).
    sqlx::query("delete from report_encoding where report_id = $1")
        .bind(report)
        .execute(&app.pool)
        .await
        .unwrap();
    let fresh = app.second_instance().await;
    fresh.sign_in_as(Role::Consultant, &[]).await;
    let path = format!("/rapports/{report}");
    let (_, _, plain) = fetch_encoded(&fresh, &path, "identity").await;
    let (coding, _, br) = fetch_encoded(&fresh, &path, "br").await;
    assert_eq!((coding.as_str(), br), ("br", plain));
    let stored = encodings(&app, report).await;
    assert_eq!(stored, 1);
}
