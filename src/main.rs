//! The `territoires` binary: parses the command line, sets up logging, opens the database
//! (embedded by default), applies migrations and runs the requested subcommand.

use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use std::io::{IsTerminal, Read};

use territoires::accounts::{self, NewUser};
use territoires::audit::Actor;
use territoires::config::{Cli, Command, GeoCommand, LogFormat, UserCommand};
use territoires::database::Database;
use territoires::{AppState, app, geo, operations, prepare_database, serve};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()));
    match cli.config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("territoires: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    let db = Database::open(config.database_url.as_deref(), &config.data_dir).await?;
    let outcome = async {
        let command = cli.command.unwrap_or(Command::Serve);
        // These read or replace the database as it is: no migration first.
        match &command {
            Command::Backup { file } => return backup(&db, file.as_deref()).await,
            Command::Restore { file, replace } => {
                let started = std::time::Instant::now();
                let manifest = operations::backup::restore(&db.pool, &db.url, file, *replace).await?;
                prepare_database(&db.pool).await?;
                println!(
                    "restauré en {:.1} s : {} territoires, {} évaluations, {} rapports \
                     (sauvegarde du {}, version {}, migration {})",
                    started.elapsed().as_secs_f64(),
                    manifest.territories,
                    manifest.assessments,
                    manifest.reports,
                    manifest.created_at,
                    manifest.app_version,
                    manifest.migration
                );
                return Ok(());
            }
            Command::Check => {
                let problems = operations::check::check(&db.pool).await?;
                if problems.is_empty() {
                    println!("base vérifiée : aucun problème");
                    return Ok(());
                }
                for problem in &problems {
                    println!("{problem}");
                }
                anyhow::bail!("{} problème(s) trouvé(s)", problems.len());
            }
            _ => {}
        }
        prepare_database(&db.pool).await?;
        match command {
            Command::Backup { .. } | Command::Restore { .. } | Command::Check => unreachable!(),
            Command::Migrate => {
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::User {
                command:
                    UserCommand::Add {
                        email,
                        role,
                        territories,
                    },
            } => {
                let password = read_piped_password()?;
                let new = NewUser {
                    email: email.clone(),
                    role,
                    territories,
                    password,
                };
                let created = accounts::add_user(&db.pool, new, &Actor::command_line()).await?;
                println!(
                    "compte {} créé pour {email} ({})",
                    created.user_id,
                    role.as_str()
                );
                if let Some(once) = created.one_time_password {
                    println!(
                        "mot de passe à usage unique (à changer à la première connexion) : {once}"
                    );
                }
                Ok(())
            }
            Command::Pdf { .. } => {
                let done = territoires::reports::pdf::render_missing(&db.pool, &config).await?;
                println!("{done} rapport(s) imprimé(s) en PDF");
                Ok(())
            }
            Command::Demo => {
                let demo = territoires::demo::run(&db.pool).await?;
                if config.pdf {
                    territoires::reports::pdf::run_due(&db.pool, &config, None).await?;
                }
                println!(
                    "rapport de démonstration publié : http://{}/rapports/{} (évaluation {}, territoire {})",
                    config.addr, demo.report_id, demo.assessment_id, demo.territory_id
                );
                match demo.one_time_password {
                    Some(once) => println!(
                        "compte : {} — mot de passe à usage unique : {once}",
                        territoires::demo::DEMO_EMAIL
                    ),
                    None => println!(
                        "compte : {} (déjà créé lors d'une démonstration précédente)",
                        territoires::demo::DEMO_EMAIL
                    ),
                }
                Ok(())
            }
            Command::Geo {
                command: GeoCommand::Import { dir },
            } => {
                let counts = geo::import::import_from(&db.pool, dir.as_deref()).await?;
                println!(
                    "{} communes, {} EPCI, {} départements, {} régions (les instances en service \
                     la prennent en compte dans les {} s)",
                    counts.communes,
                    counts.epcis,
                    counts.departements,
                    counts.regions,
                    config.session_cache_ms.div_ceil(1000)
                );
                Ok(())
            }
            Command::Serve => {
                // The decoy hash that keeps unknown emails as slow as known ones.
                tokio::task::spawn_blocking(accounts::sign_in::prepare).await?;
                let listener = TcpListener::bind(config.addr).await?;
                let addr = listener.local_addr()?;
                if let Some(link) = accounts::setup::offer(&db.pool, addr).await? {
                    tracing::info!(
                        "aucun compte n'existe encore : créez le premier administrateur sur {link} \
                         (no account yet: create the first administrator at this link)"
                    );
                }
                tracing::info!("listening on http://{addr}");
                let state = AppState::new(db.pool.clone(), config.clone());
                let purge = tokio::spawn(accounts::session::purge_periodically(db.pool.clone()));
                let workers = state.start_workers();
                serve(listener, app(state)).await?;
                purge.abort();
                // A job under way is left to its lease: another instance, or the next start,
                // takes it again.
                if let Some(workers) = workers {
                    workers.abort();
                }
                Ok(())
            }
        }
    }
    .await;
    db.close().await?;
    tracing::info!("stopped");
    outcome
}

/// glibc raises its mmap threshold once a large block is freed, and from then on keeps freed
/// large blocks in its arenas: argon2's 19 MiB per sign-in would stay resident, sign-in after
/// sign-in (measured: +200 MB after 30 sign-ins). A fixed threshold (which also turns the
/// dynamic one off) hands such blocks back to the system as soon as they are freed. It is set
/// at 4 MiB, above the compressors' working memory (brotli and deflate state, a few hundred
/// KiB per response): mapping and unmapping those at every compressed response cost more
/// page faults than compressing (measured on the report page: half its time), so they are
/// reused from the arenas, which keep up to 32 MiB free before giving memory back.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters, under the allocator's own lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 * 1024 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 * 1024 * 1024);
    }
}

/// `territoires backup [FILE]`: writes the backup and says what it holds.
async fn backup(
    db: &territoires::database::Database,
    file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let file = file.map(std::path::Path::to_path_buf).unwrap_or_else(|| {
        let date = time::OffsetDateTime::now_utc().date();
        std::path::PathBuf::from(format!("territoires-{date}.backup"))
    });
    let started = std::time::Instant::now();
    let manifest = operations::backup::backup(&db.pool, &db.url, &file).await?;
    let size = std::fs::metadata(&file)?.len();
    println!(
        "{} : {:.1} Mo en {:.1} s — {} territoires, {} évaluations, {} rapports ; migration {}, \
         référentiels {}",
        file.display(),
        size as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64(),
        manifest.territories,
        manifest.assessments,
        manifest.reports,
        manifest.migration,
        manifest.frameworks.join(", ")
    );
    Ok(())
}

/// The password piped on standard input (first line), or `None` when stdin is a terminal or empty.
fn read_piped_password() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin.lock().read_to_string(&mut text)?;
    let line = text.lines().next().unwrap_or_default().to_owned();
    Ok((!line.is_empty()).then_some(line))
}
