//! Operations on the database an installation keeps: consistent backups and their
//! restoration (`territoires backup`, `territoires restore`), and the integrity check
//! (`territoires check`) an operator runs after a restore or an upgrade.

pub mod backup;
pub mod check;
