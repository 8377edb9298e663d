//! The integration tests: the real application over HTTP on a real PostgreSQL.

mod access;
mod accounts;
mod assessments;
mod diagnosis;
mod foundation;
mod framework;
mod framework_v2;
mod geography;
mod hostile;
mod operations;
mod pdf;
mod priorities;
mod reports;
mod roadmap;
mod sessions;
mod support;
mod territories;
