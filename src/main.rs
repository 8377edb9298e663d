//! The `territoires` binary: parses the command line, sets up logging, opens the database
//! (embedded by default), applies migrations and runs the requested subcommand.

use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use territoires::config::{Cli, Command, GeoCommand};
use territoires::database::Database;
use territoires::{AppState, app, geo, prepare_database, serve};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("territoires: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    let db = Database::open(config.database_url.as_deref(), &config.data_dir).await?;
    let outcome = async {
        prepare_database(&db.pool).await?;
        match cli.command.unwrap_or(Command::Serve) {
            Command::Migrate => {
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::Geo {
                command: GeoCommand::Import { dir },
            } => {
                let counts = geo::import::import_from(&db.pool, dir.as_deref()).await?;
                println!(
                    "{} communes, {} EPCI, {} départements, {} régions",
                    counts.communes, counts.epcis, counts.departements, counts.regions
                );
                Ok(())
            }
            Command::Serve => {
                let listener = TcpListener::bind(config.addr).await?;
                tracing::info!("listening on http://{}", listener.local_addr()?);
                let state = AppState::new(db.pool.clone(), config.clone());
                serve(listener, app(state)).await?;
                Ok(())
            }
        }
    }
    .await;
    db.close().await?;
    tracing::info!("stopped");
    outcome
}
