//! The decision layer of the report (#14), on the Valence demo as a new user sees it: page 1
//! gives five priorities each with its reason, up to three quick wins, the legal obligations
//! that apply to a commune of 64,000 inhabitants with their legal basis, and never lists a
//! strength among the priorities without saying why.

use reqwest::StatusCode;
use territoires::vocabulary::Role;

use crate::support::TestApp;

#[tokio::test]
async fn the_demo_page_one_explains_priorities_quick_wins_and_obligations() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let demo = territoires::demo::run(&app.pool).await.unwrap();
    let page = app.get(&format!("/rapports/{}", demo.report_id)).await;
    assert_eq!(page.status, StatusCode::OK);

    let priorities = page.select("section[aria-labelledby=priorites-synthese] ol.priorities > li");
    assert_eq!(priorities.len(), 5);
    let reasons = page.select("section[aria-labelledby=priorites-synthese] li .why");
    assert_eq!(reasons.len(), 5);
    for (priority, why) in priorities.iter().zip(&reasons) {
        eprintln!(
            "{}",
            priority
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(why.text.starts_with("Pourquoi : "), "{}", why.text);
        // The cost is always scaled to Valence's population.
        assert!(
            why.text.contains("pour 64\u{202f}458 habitants"),
            "{}",
            why.text
        );
    }

    let quick_wins = page.select("section[aria-labelledby=gains-rapides] li");
    assert!((1..=3).contains(&quick_wins.len()), "{}", quick_wins.len());
    for win in &quick_wins {
        assert!(win.text.contains("coût léger"), "{}", win.text);
    }

    // The obligations of a commune of 64,458 inhabitants, each with its legal basis.
    let rows = page.select("table.obligations tbody tr");
    let shown: Vec<String> = rows.iter().map(|r| r.text.clone()).collect();
    let dataset = territoires::obligations::current();
    let name = |code: &str| {
        let o = dataset.obligation.iter().find(|o| o.code == code).unwrap();
        (o.name_fr.clone(), o.basis_fr.clone())
    };
    for code in [
        "dpo",
        "open_data_collectivites",
        "accessibilite_numerique",
        "numerique_responsable",
        "urbanisme_dematerialise",
        "pcs",
    ] {
        let (name, basis) = name(code);
        assert!(
            shown
                .iter()
                .any(|r| r.contains(&name) && r.contains(&basis)),
            "{code} missing: {shown:#?}"
        );
    }
    // Intercommunal obligations are not a commune's.
    for code in ["pcaet", "conseil_developpement", "pics"] {
        let (name, _) = name(code);
        assert!(!shown.iter().any(|r| r.contains(&name)), "{code} shown");
    }
    let links = page.select("table.obligations tbody td a");
    assert_eq!(links.len(), rows.len());
    assert!(
        links
            .iter()
            .all(|a| a.attr("href").unwrap().starts_with("https://"))
    );

    // A strength among the priorities says why it is there.
    let strengths: Vec<String> = page
        .select("section[aria-labelledby=forces] li strong")
        .into_iter()
        .map(|s| s.text)
        .collect();
    for priority in &priorities {
        if strengths.iter().any(|s| priority.text.contains(s.as_str())) {
            assert!(priority.text.contains("cible fixée"), "{}", priority.text);
        }
    }

    // En bref: key messages and decisions drafted from the diagnosis, radars with names.
    let messages = page.select("section.brief ul li");
    assert!((3..=5).contains(&messages.len()), "{}", messages.len());
    assert!(
        messages[0].text.contains("six axes"),
        "{}",
        messages[0].text
    );
    let decisions = page.select("section.brief ol li");
    assert!((1..=3).contains(&decisions.len()));
    assert!(
        decisions[0].text.contains("feuille de route"),
        "{}",
        decisions[0].text
    );
    let radar = page.one("svg#radar-axes");
    assert!(
        radar.text.contains("Économie") && radar.text.contains("Qualité de vie"),
        "{}",
        radar.text
    );
    // Every acronym the report shows is in its glossary annex.
    // The report's text, a space where each tag was (so that "12" and "TRA" stay apart).
    let start = page.body.find("<article").unwrap();
    let end = page.body.find("</article>").unwrap();
    let mut shown = String::new();
    let mut in_tag = false;
    for c in page.body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                shown.push(' ');
            }
            c if !in_tag => shown.push(c),
            _ => {}
        }
    }
    let glossary = territoires::glossary::current();
    let annexes = app
        .get(&format!("/rapports/{}/annexes", demo.report_id))
        .await;
    let annex: Vec<String> = annexes
        .select("#glossaire ~ dl dt")
        .into_iter()
        .map(|d| d.text)
        .collect();
    for acronym in territoires::glossary::acronyms(&shown) {
        if glossary.dataset.ignore.iter().any(|i| i == acronym) {
            continue;
        }
        assert!(
            glossary.find(acronym).is_some(),
            "{acronym} has no glossary entry"
        );
        assert!(
            annex.iter().any(|a| a == acronym),
            "{acronym} not in the annex"
        );
    }
    // Acronyms are expanded at their first appearance, once each.
    let marked: Vec<&str> = page
        .body
        .split("<abbr title=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\">")?.1.split_once("</abbr>"))
        .map(|(acronym, _)| acronym)
        .collect();
    assert!(
        marked.contains(&"EPCI") && marked.contains(&"RGAA"),
        "{marked:?}"
    );
    let mut unique = marked.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), marked.len(), "{marked:?}");

    // A document: a contents list, then the territory's portrait with the consultant's context.
    let toc: Vec<String> = page
        .select("nav.toc a")
        .into_iter()
        .map(|a| a.text)
        .collect();
    assert!(toc.len() >= 8 && toc[0] == "Synthèse", "{toc:?}");
    let portrait = page.one("section[aria-labelledby=portrait]").text;
    assert!(
        portrait.contains("Valence Romans") && portrait.contains("Ville-centre"),
        "{portrait}"
    );
    assert!(portrait.contains("Déficit de transport collectif"));
    // Detail tables come after the narrative, collapsed on screen.
    assert_eq!(page.select("details.dimension-detail").len(), 12);

    // The matrix names ten steps, no more.
    let start = page.body.find("<svg class=\"chart matrix\"").unwrap();
    let matrix = &page.body[start..];
    let matrix = &matrix[..matrix.find("</svg>").unwrap()];
    assert_eq!(matrix.matches("font-size=\"11\"").count(), 10);
    // Its first disc is page one's first priority.
    let first = matrix
        .split(">1. ")
        .nth(1)
        .and_then(|rest| rest.split('<').next());
    let first = first.expect("the matrix numbers its steps from 1");
    assert!(
        !first.is_empty() && priorities[0].text.contains(first),
        "{first} / {}",
        priorities[0].text
    );
}
