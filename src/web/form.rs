//! Form handling shared by every feature: forms are read as raw strings (so no input is ever
//! rejected before the handler sees it), validated into domain values, and re-rendered with the
//! user's input and one translated message per field when something is wrong (422).

/// Validation messages by field name; each message is an i18n key.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors {
    errors: Vec<(&'static str, String)>,
}

impl FieldErrors {
    /// Records `message_key` (an i18n key) against `field`; the first message per field wins.
    pub fn add(&mut self, field: &'static str, message_key: impl Into<String>) {
        if self.get(field).is_none() {
            self.errors.push((field, message_key.into()));
        }
    }

    /// The message key for `field`, if it has an error.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every (field, message key), in the order they were found (for the error summary).
    pub fn all(&self) -> &[(&'static str, String)] {
        &self.errors
    }
}

/// A text field's value, trimmed, with an error when longer than `max` characters or when it
/// holds a control character other than a tab or a line break (NUL cannot even be stored).
pub fn bounded(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let value = value.trim();
    if has_forbidden_control(value) {
        errors.add(field, "form-control-character");
    } else if value.chars().count() > max {
        errors.add(field, "form-too-long");
    }
    value.to_owned()
}

/// Whether `text` holds a control character other than a tab or a line break.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Earliest and latest years of a date typed in a form (PostgreSQL's own range is far wider,
/// and a year such as -4800 is never meant).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// A date typed as `YYYY-MM-DD` (what `<input type="date">` sends), within [`YEARS`].
pub fn iso_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .ok()
        .filter(|date| YEARS.contains(&date.year()))
}
