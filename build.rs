//! Rebuild when migrations, templates, locales or static files change (they are embedded).
fn main() {
    for dir in ["migrations", "templates", "locales", "static"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
