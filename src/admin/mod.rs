//! Administration, for admins only: the accounts (`/admin/utilisateurs`: create, change role
//! and territories, disable, issue a new one-time password; never delete) and the audit log
//! (`/admin/journal`: who did what, when, on which object, with the changed values), and the
//! durable jobs not done yet (`/admin/taches`: pending and failed, a failed one retried).

pub mod db;
mod jobs;
mod journal;
mod users;

use crate::web::access::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/utilisateurs", Access::Admin, users::list)
        .post("/admin/utilisateurs", Access::Admin, users::create)
        .get("/admin/utilisateurs/nouveau", Access::Admin, users::new)
        .get("/admin/utilisateurs/{id}", Access::Admin, users::edit)
        .post("/admin/utilisateurs/{id}", Access::Admin, users::update)
        .get("/admin/journal", Access::Admin, journal::list)
        .get("/admin/taches", Access::Admin, jobs::list)
        .post("/admin/taches/{id}/relancer", Access::Admin, jobs::retry)
}
