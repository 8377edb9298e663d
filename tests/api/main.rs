//! The integration tests: the real application over HTTP on a real PostgreSQL.

mod accounts;
mod foundation;
mod framework;
mod geography;
mod support;
mod territories;
