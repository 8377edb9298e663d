//! A published report as a workbook (`/rapports/{id}.xlsx`): sheets for the synthesis (axes
//! and dimensions with maturity, results and their reading), the criteria, the indicators, the
//! roadmap's chantiers and their steps; header rows frozen, numbers with French-style formats
//! (the spreadsheet shows the reader's separators), dates as dates. Built from the frozen
//! snapshot, so it says exactly what the report says. Pure: bytes out.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::model::ReportData;
use crate::i18n::I18n;
use crate::text::Text;

/// The workbook's bytes.
pub fn workbook(data: &ReportData, i18n: I18n) -> Result<Vec<u8>, XlsxError> {
    let text = |t: &Text| match i18n.lang {
        crate::i18n::Lang::Fr => t.fr.clone(),
        crate::i18n::Lang::En => t.en.clone(),
    };
    let bold = Format::new().set_bold();
    let decimal = Format::new().set_num_format("0.0");
    let thousands = Format::new().set_num_format("#,##0");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut book = Workbook::new();

    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&i18n.t("report-synthesis")))?;
    header(
        sheet,
        &bold,
        &[
            i18n.t("report-col-dimension"),
            i18n.t("report-col-means"),
            i18n.t("report-col-results"),
            i18n.t("report-col-reading"),
        ],
    )?;
    sheet.write_string(1, 5, &data.territory.name)?;
    sheet.write_string(2, 5, i18n.t("report-round"))?;
    if let Some(day) = iso_date(&data.round_date) {
        sheet.write_datetime_with_format(2, 6, &day, &date)?;
    }
    for (n, d) in data.dimensions.iter().enumerate() {
        let row = n as u32 + 1;
        sheet.write_string(row, 0, format!("{} {}", d.code, text(&d.name)))?;
        if let Some(m) = d.score.maturity {
            sheet.write_number_with_format(row, 1, m, &decimal)?;
        }
        if let Some(p) = d.score.performance {
            sheet.write_number_with_format(row, 2, p, &decimal)?;
        }
        let performance = d
            .score
            .performance
            .filter(|_| !d.score.performance_flagged());
        if let Some(reading) = crate::diagnosis::scoring::reading(d.score.maturity, performance) {
            sheet.write_string(row, 3, i18n.t(&format!("reading-{}", reading.as_str())))?;
        }
    }
    sheet.set_column_width(0, 42)?;
    sheet.set_column_width(3, 46)?;

    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&i18n.t("report-col-criterion")))?;
    header(
        sheet,
        &bold,
        &[
            i18n.t("report-col-criterion"),
            i18n.t("answer-level"),
            i18n.t("answer-importance"),
            i18n.t("answer-target"),
            i18n.t("answer-confidence"),
            i18n.t("answer-evidence"),
        ],
    )?;
    let criteria = data.dimensions.iter().flat_map(|d| d.criteria.iter());
    for (n, c) in criteria.enumerate() {
        let row = n as u32 + 1;
        sheet.write_string(row, 0, format!("{} {}", c.code, text(&c.name)))?;
        match (c.not_applicable, c.level) {
            (true, _) => {
                sheet.write_string(row, 1, i18n.t("answer-na"))?;
            }
            (false, Some(level)) => {
                sheet.write_number(row, 1, f64::from(level))?;
            }
            _ => {}
        }
        sheet.write_number(row, 2, f64::from(c.importance))?;
        if let Some(target) = c.target {
            sheet.write_number(row, 3, f64::from(target))?;
        }
        if let Some(confidence) = c.confidence {
            sheet.write_string(row, 4, i18n.t(&format!("confidence-{confidence}")))?;
        }
        let evidence = if c.not_applicable {
            &c.justification
        } else {
            &c.evidence
        };
        sheet.write_string(row, 5, evidence)?;
    }
    sheet.set_column_width(0, 52)?;
    sheet.set_column_width(5, 80)?;

    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&i18n.t("report-col-indicator")))?;
    header(
        sheet,
        &bold,
        &[
            i18n.t("report-col-indicator"),
            i18n.t("indicator-value"),
            i18n.t("indicator-year"),
            i18n.t("indicator-source-note"),
            i18n.t("report-indicator-score"),
        ],
    )?;
    let indicators = data.dimensions.iter().flat_map(|d| d.indicators.iter());
    for (n, i) in indicators.enumerate() {
        let row = n as u32 + 1;
        sheet.write_string(row, 0, format!("{} {} ({})", i.code, text(&i.name), i.unit))?;
        if let Some(v) = i.value {
            sheet.write_number_with_format(row, 1, v, &decimal)?;
        }
        if let Some(y) = i.year {
            sheet.write_number(row, 2, f64::from(y))?;
        }
        let source = if i.source_note.is_empty() {
            text(&i.source)
        } else {
            i.source_note.clone()
        };
        sheet.write_string(row, 3, source)?;
        if let Some(s) = &i.score {
            sheet.write_number_with_format(row, 4, s.score, &decimal)?;
        }
    }
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(3, 50)?;

    if let Some(roadmap) = &data.roadmap {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&i18n.t("roadmap-title")))?;
        header(
            sheet,
            &bold,
            &[
                i18n.t("roadmap-field-title"),
                i18n.t("roadmap-field-elu"),
                i18n.t("roadmap-field-pilot"),
                i18n.t("roadmap-field-start"),
                i18n.t("roadmap-field-end"),
                i18n.t("roadmap-field-budget-min"),
                i18n.t("roadmap-field-budget-max"),
                i18n.t("roadmap-field-etp"),
                i18n.t("roadmap-funding"),
                i18n.t("roadmap-followed"),
            ],
        )?;
        for (n, c) in roadmap.chantiers.iter().enumerate() {
            let row = n as u32 + 1;
            sheet.write_string(row, 0, format!("{}. {}", n + 1, c.title))?;
            sheet.write_string(row, 1, &c.elu)?;
            sheet.write_string(row, 2, &c.pilot)?;
            sheet.write_number(row, 3, f64::from(c.start_month))?;
            sheet.write_number(row, 4, f64::from(c.end_month))?;
            sheet.write_number_with_format(row, 5, f64::from(c.budget_min_keur), &thousands)?;
            sheet.write_number_with_format(row, 6, f64::from(c.budget_max_keur), &thousands)?;
            sheet.write_number_with_format(row, 7, c.etp, &decimal)?;
            let funding: Vec<String> = c.funding.iter().map(|f| text(&f.name)).collect();
            sheet.write_string(row, 8, funding.join(" ; "))?;
            let followed: Vec<String> = c
                .followed
                .iter()
                .map(|f| format!("{} → {}", f.code, f.target))
                .collect();
            sheet.write_string(row, 9, followed.join(" ; "))?;
        }
        sheet.set_column_width(0, 50)?;
        sheet.set_column_width(8, 60)?;

        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&i18n.t("roadmap-steps")))?;
        header(
            sheet,
            &bold,
            &[
                i18n.t("roadmap-field-title"),
                i18n.t("report-col-criterion"),
                i18n.t("answer-level"),
                i18n.t("roadmap-steps"),
            ],
        )?;
        let mut row = 1;
        for (n, c) in roadmap.chantiers.iter().enumerate() {
            for s in &c.steps {
                sheet.write_string(row, 0, format!("{}. {}", n + 1, c.title))?;
                if let Some(code) = &s.criterion {
                    sheet.write_string(row, 1, code)?;
                }
                if let Some(level) = s.from_level {
                    sheet.write_string(row, 2, format!("{level} → {}", level + 1))?;
                }
                sheet.write_string(row, 3, text(&s.text))?;
                row += 1;
            }
        }
        sheet.set_column_width(0, 50)?;
        sheet.set_column_width(3, 90)?;
    }
    book.save_to_buffer()
}

/// A bold header row, frozen.
fn header(sheet: &mut Worksheet, bold: &Format, titles: &[String]) -> Result<(), XlsxError> {
    for (col, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(31)
        .collect()
}

fn iso_date(text: &str) -> Option<ExcelDateTime> {
    let mut parts = text.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}
