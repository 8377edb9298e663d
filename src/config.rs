//! The command line and the configuration: one `clap` struct whose flags can also be given as
//! environment variables, as documented in the README's configuration table.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Territoires: smart-territory maturity diagnostics for French local authorities.
#[derive(Debug, Parser)]
#[command(name = "territoires", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every subcommand.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// External PostgreSQL server; when unset, an embedded cluster runs under the data dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Where the embedded PostgreSQL keeps its cluster.
    #[arg(
        long,
        env = "TERRITOIRES_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Address the web server listens on.
    #[arg(
        long,
        env = "TERRITOIRES_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Mark cookies `Secure` (set to true when served over HTTPS).
    #[arg(
        long,
        env = "TERRITOIRES_SECURE_COOKIES",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` hop (set to true behind a
    /// reverse proxy or load balancer, which must set that header); used by sign-in limits.
    #[arg(
        long,
        env = "TERRITOIRES_TRUST_PROXY",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub trust_proxy: bool,
    /// A token that lets `/metrics` be read from other addresses than the loopback interface
    /// (sent as `Authorization: Bearer <token>`); unset = loopback only.
    #[arg(
        long,
        env = "TERRITOIRES_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,
    /// How log lines are written on standard error: `text` for people, `json` (one JSON
    /// object a line) for a log collector.
    #[arg(
        long,
        env = "TERRITOIRES_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
    /// Render each report as PDF when it is published, with headless Chromium (`chromium` on
    /// the PATH, or the program named by CHROMIUM); off, `territoires pdf --missing` does it.
    #[arg(
        long,
        env = "TERRITOIRES_PDF",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub pdf: bool,
    /// The Chromium program that prints the PDFs (default: `chromium` on the PATH).
    #[arg(long, env = "CHROMIUM", global = true)]
    pub chromium: Option<PathBuf>,
    /// How long an instance remembers a signed-in user before reading the session again, in
    /// milliseconds (0: read at every request). A sign-out or a disabled account elsewhere
    /// takes effect here within this bound.
    #[arg(
        long,
        env = "TERRITOIRES_SESSION_CACHE_MS",
        default_value_t = 3000,
        global = true
    )]
    pub session_cache_ms: u64,
    /// How long a worker holds a job it took, in milliseconds: if its instance dies, another
    /// takes the job once this has passed.
    #[arg(
        long,
        env = "TERRITOIRES_JOB_LEASE_MS",
        default_value_t = 300_000,
        global = true
    )]
    pub job_lease_ms: u64,
    /// The wait before a failed job is tried again, in milliseconds; it doubles at each
    /// failure, up to five attempts.
    #[arg(
        long,
        env = "TERRITOIRES_JOB_BACKOFF_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub job_backoff_ms: u64,
}

/// The format of the log lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// A configuration for an already-open database (tests, tools): defaults everywhere else.
    pub fn for_tests() -> Self {
        Self {
            database_url: None,
            data_dir: PathBuf::from("./data"),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            secure_cookies: false,
            trust_proxy: false,
            metrics_token: None,
            log_format: LogFormat::Text,
            // Rendering takes seconds: the tests that check the PDF turn it on.
            pdf: false,
            chromium: None,
            // Every instance sees a session's end at once (tests of the cache turn it on).
            session_cache_ms: 0,
            job_lease_ms: 300_000,
            job_backoff_ms: 30_000,
        }
    }
}

/// What the binary does; `serve` when no subcommand is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application (the default).
    Serve,
    /// Apply the database migrations, then exit.
    Migrate,
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Create a complete demo assessment of a real territory and publish its report.
    Demo,
    /// Render the PDF of published reports.
    Pdf {
        /// Only the reports that have none yet (the default, and the only mode).
        #[arg(long, default_value_t = true)]
        missing: bool,
    },
    /// Write a consistent backup of the database in use (while the app keeps serving).
    Backup {
        /// The backup file (default: territoires-<date>.backup in the current directory).
        file: Option<PathBuf>,
    },
    /// Restore a backup into an empty data dir or database (then upgrade it to this version).
    Restore {
        file: PathBuf,
        /// Discard what the target database holds first.
        #[arg(long)]
        replace: bool,
    },
    /// Verify the database: migrations, report bodies, published rounds. Exits non-zero with
    /// the list of problems.
    Check,
    /// The official geography.
    Geo {
        #[command(subcommand)]
        command: GeoCommand,
    },
}

/// `territoires geo ...`
#[derive(Debug, Subcommand)]
pub enum GeoCommand {
    /// Import (refresh) the official geography from DIR (regions.tsv, departements.tsv,
    /// epci.tsv, communes.tsv), or from the extract built into the binary.
    Import {
        /// Directory holding the four TSV files (default: the built-in extract).
        dir: Option<PathBuf>,
    },
}

/// `territoires user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it is piped; otherwise
    /// a one-time password is printed once, to be changed at first sign-in.
    Add {
        /// Email address used to sign in.
        #[arg(long)]
        email: String,
        /// What the account may do: admin, consultant or elu.
        #[arg(long, value_parser = parse_role)]
        role: crate::vocabulary::Role,
        /// Territory ids an élu may read (repeat the flag for several).
        #[arg(long = "territory")]
        territories: Vec<i64>,
    },
}

fn parse_role(text: &str) -> Result<crate::vocabulary::Role, String> {
    crate::vocabulary::Role::parse(text).ok_or_else(|| "admin, consultant or elu".to_owned())
}
