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

/// A text field's value, trimmed, with an error when longer than `max` characters.
pub fn bounded(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, "form-too-long");
    }
    value.to_owned()
}
