//! Rows pasted from a spreadsheet into a section's table: tab-separated lines, the criterion
//! code first, then the level, importance, target, confidence and evidence (or the columns a
//! header line names). A cell left empty leaves the stored value. Pure: text in, the input of
//! each criterion out; validation and saving are the autosave's own (`block::apply_answer`).

use super::answer::AnswerInput;
use super::merge::typed_level;

/// The columns of a row without a header line, after the code.
pub const DEFAULT_COLUMNS: [&str; 5] = ["level", "importance", "target", "confidence", "evidence"];

/// Most rows one paste may hold.
pub const MAX_ROWS: usize = 200;

/// One pasted row: its line number (from 1), the criterion code as typed (upper-cased), and the
/// non-empty cells as (form field, text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastedRow {
    pub line: usize,
    pub code: String,
    pub cells: Vec<(&'static str, String)>,
}

impl PastedRow {
    /// `stored` with this row's cells over it (a confidence or level typed as people write
    /// them read as the form's values).
    pub fn over(&self, stored: &AnswerInput) -> AnswerInput {
        let mut input = stored.clone();
        for (field, text) in &self.cells {
            let value = match *field {
                "level" => typed_level(text),
                "confidence" => confidence_of(text),
                _ => text.clone(),
            };
            input.set(field, value);
        }
        input
    }
}

/// The form field a header cell names, if any.
fn column(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    let h = h.trim_end_matches(['*', ':', ' ']);
    Some(match h {
        "niveau" | "level" | "niveau actuel" => "level",
        "importance" => "importance",
        "cible" | "niveau cible" | "target" => "target",
        "fiabilité" | "fiabilite" | "confidence" => "confidence",
        "constat"
        | "preuve"
        | "preuves"
        | "éléments de preuve"
        | "constat et éléments de preuve"
        | "evidence" => "evidence",
        "justification" | "justification du « sans objet »" => "justification",
        _ => return None,
    })
}

fn is_header(first_cell: &str) -> bool {
    matches!(
        first_cell.trim().to_lowercase().as_str(),
        "code" | "critère" | "critere" | "criterion"
    )
}

/// "Déclaratif", "documenté", "Vérifié" (or the codes) → the code; anything else as typed.
fn confidence_of(text: &str) -> String {
    match text.trim().to_lowercase().as_str() {
        "déclaratif" | "declaratif" | "declarative" => "declaratif".into(),
        "documenté" | "documente" | "documented" => "documente".into(),
        "vérifié" | "verifie" | "verified" => "verifie".into(),
        other => other.to_owned(),
    }
}

/// The rows of a paste (blank lines skipped; a first line starting with "Code" or "Critère" is
/// a header naming the columns). Lines beyond [`MAX_ROWS`] are left out, and said so by
/// `truncated`.
pub fn parse(text: &str) -> Pasted {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let mut columns: Vec<Option<&'static str>> = DEFAULT_COLUMNS.iter().map(|c| Some(*c)).collect();
    if let Some((_, first)) = lines.peek()
        && is_header(first.split('\t').next().unwrap_or_default())
    {
        columns = first.split('\t').skip(1).map(column).collect();
        lines.next();
    }
    let mut rows = Vec::new();
    let mut truncated = false;
    for (at, line) in lines {
        if rows.len() == MAX_ROWS {
            truncated = true;
            break;
        }
        let mut cells = line.split('\t');
        let code = cells.next().unwrap_or_default().trim().to_uppercase();
        let cells = cells
            .zip(columns.iter())
            .filter_map(|(cell, field)| {
                let cell = cell.trim();
                (!cell.is_empty()).then(|| field.map(|f| (f, cell.to_owned())))?
            })
            .collect();
        rows.push(PastedRow {
            line: at + 1,
            code,
            cells,
        });
    }
    Pasted { rows, truncated }
}

/// A paste read into rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pasted {
    pub rows: Vec<PastedRow>,
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_the_default_order_leave_empty_cells_as_stored() {
        let pasted =
            parse("gov-1\t3\t2\t4\tVérifié\tDélibération du 12 mars\n\nGOV-2\tN/A\t\t\t\t\n");
        assert!(!pasted.truncated);
        assert_eq!(pasted.rows.len(), 2);
        assert_eq!(pasted.rows[0].code, "GOV-1");
        assert_eq!(pasted.rows[0].line, 1);
        assert_eq!(pasted.rows[1].line, 3);
        let stored = AnswerInput {
            level: "1".into(),
            importance: "1".into(),
            evidence: "Ancien constat".into(),
            ..AnswerInput::default()
        };
        let first = pasted.rows[0].over(&stored);
        assert_eq!(
            (
                first.level.as_str(),
                first.importance.as_str(),
                first.target.as_str()
            ),
            ("3", "2", "4")
        );
        assert_eq!(first.confidence, "verifie");
        assert_eq!(first.evidence, "Délibération du 12 mars");
        let second = pasted.rows[1].over(&stored);
        assert_eq!(second.level, "na");
        assert_eq!(
            second.evidence, "Ancien constat",
            "an empty cell keeps what is stored"
        );
    }

    #[test]
    fn a_header_line_names_the_columns_in_any_order() {
        let pasted =
            parse("Critère\tConstat\tNiveau\tColonne inconnue\nENV-3\tPlan climat adopté\t2\tx");
        assert_eq!(pasted.rows.len(), 1);
        assert_eq!(
            pasted.rows[0].cells,
            vec![
                ("evidence", "Plan climat adopté".to_owned()),
                ("level", "2".to_owned())
            ]
        );
    }

    #[test]
    fn a_paste_is_bounded() {
        let text = "ECO-1\t1\n".repeat(MAX_ROWS + 5);
        let pasted = parse(&text);
        assert_eq!(pasted.rows.len(), MAX_ROWS);
        assert!(pasted.truncated);
    }
}
