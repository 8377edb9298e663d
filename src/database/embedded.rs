//! The embedded PostgreSQL default: when no `DATABASE_URL` is given, Territoires runs its own
//! cluster from the PostgreSQL server binaries already installed on the machine (nothing is
//! downloaded). The cluster lives in `<data-dir>/postgres`, listens only on a private unix socket,
//! is run as an unprivileged user when the app runs as root (PostgreSQL refuses root), is adopted
//! rather than duplicated when an earlier run was killed, and is stopped with the app.

use crate::fingerprint::fnv1a;
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest unix socket path the kernel accepts (108 bytes with the terminating NUL).
const MAX_SOCKET_PATH: usize = 107;
/// The port only names the socket file (`.s.PGSQL.5432`): no TCP listener is opened.
const PORT: u16 = 5432;
/// Where a root-run cluster goes when the `postgres` user cannot reach the requested data dir.
const ROOT_FALLBACK_BASE: &str = "/var/lib/territoires";

/// Why the embedded cluster could not be started. Every message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server binaries found (looked for `initdb` via pg_config, PATH and \
         /usr/lib/postgresql/*/bin). Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`) \
         or set DATABASE_URL to an existing server."
    )]
    NoBinaries,
    #[error(
        "running as root, but there is no unprivileged `postgres` system user to run the embedded \
         cluster (PostgreSQL refuses to run as root). Create one (`useradd --system postgres`), \
         run Territoires as a normal user, or set DATABASE_URL."
    )]
    NoUnprivilegedUser,
    #[error("{0}")]
    Io(String),
    #[error("`{command}` failed ({status}); see {log}:\n{stderr}")]
    Command {
        command: String,
        status: String,
        log: String,
        stderr: String,
    },
}

fn io_error(context: impl std::fmt::Display, error: io::Error) -> EmbeddedError {
    EmbeddedError::Io(format!("{context}: {error}"))
}

/// How a cluster is tuned: `Durable` for the application's data, `Disposable` for test clusters
/// where speed matters more than surviving a power cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Disposable,
}

/// An unprivileged account (uid, gid) that owns and runs the cluster when we are root.
#[derive(Clone, Copy, Debug)]
struct Account {
    uid: u32,
    gid: u32,
}

/// A running embedded cluster. Call [`EmbeddedPostgres::stop`] to shut it down.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    account: Option<Account>,
    /// A shared lock on `<cluster>/territoires.lock`, held while this process uses the cluster,
    /// so that the last user stops it and no one stops it under another (a `territoires geo
    /// import` next to a running server, say). The kernel drops it if the process is killed.
    users: fs::File,
}

impl EmbeddedPostgres {
    /// Starts (or adopts) the cluster kept under `data_dir`: `initdb` on first use, then
    /// `pg_ctl start`. A postmaster left running by a killed earlier run is reused, not
    /// duplicated. Blocking: call it from `spawn_blocking` in async code.
    pub fn start(data_dir: &Path, durability: Durability) -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedError::NoBinaries)?;
        let account = if is_root() {
            Some(lookup_account("postgres").ok_or(EmbeddedError::NoUnprivilegedUser)?)
        } else {
            None
        };
        fs::create_dir_all(data_dir)
            .map_err(|e| io_error(format_args!("cannot create {}", data_dir.display()), e))?;
        let data_dir = fs::canonicalize(data_dir)
            .map_err(|e| io_error(format_args!("cannot resolve {}", data_dir.display()), e))?;
        let base = cluster_base(&data_dir, account)?;
        let pgdata = base.join("postgres");
        let socket_dir = socket_dir_for(&base);
        let log_file = base.join("postgres.log");
        for dir in [&pgdata, &socket_dir] {
            prepare_private_dir(dir, account)?;
        }
        if !log_file.exists() {
            fs::write(&log_file, b"")
                .map_err(|e| io_error(format_args!("cannot create {}", log_file.display()), e))?;
        }
        if let Some(account) = account {
            chown(&log_file, account)?;
        }
        let lock_path = base.join("territoires.lock");
        let users = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(format_args!("cannot open {}", lock_path.display()), e))?;
        users
            .lock_shared()
            .map_err(|e| io_error(format_args!("cannot lock {}", lock_path.display()), e))?;
        let cluster = Self {
            bin_dir,
            pgdata,
            socket_dir,
            log_file,
            account,
            users,
        };
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.initdb(durability)?;
        }
        if cluster.is_running() {
            if cluster.wait_ready(Duration::from_secs(15)) {
                tracing::warn!(
                    pgdata = %cluster.pgdata.display(),
                    "a PostgreSQL server left by an earlier run is still running on this data dir: reusing it"
                );
                return Ok(cluster);
            }
            tracing::warn!(
                "the PostgreSQL server left by an earlier run does not answer: restarting it"
            );
            if let Err(error) = cluster.pg_ctl_stop() {
                tracing::warn!("could not stop it ({error}); starting anew");
            }
        }
        cluster.start_with_retries(durability)?;
        Ok(cluster)
    }

    /// The connection URL of database `database` on this cluster (unix socket, no password).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// The PostgreSQL data directory (PGDATA) of this cluster.
    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// Whether a postmaster currently runs on this cluster's data directory.
    pub fn is_running(&self) -> bool {
        self.run("pg_ctl", |c| {
            c.arg("status").arg("-D").arg(&self.pgdata);
        })
        .map(|out| out.status.success())
        .unwrap_or(false)
    }

    /// Fast shutdown (active sessions are rolled back, committed data is kept), waiting until the
    /// postmaster has exited; unless another process still uses the cluster, which then keeps
    /// running for it. Blocking.
    pub fn stop(self) -> Result<(), EmbeddedError> {
        if self.users.try_lock().is_err() {
            tracing::info!(
                "another process still uses the embedded PostgreSQL: leaving it running"
            );
            return Ok(());
        }
        if self.is_running() {
            self.pg_ctl_stop()?;
        }
        Ok(())
    }

    fn initdb(&self, durability: Durability) -> Result<(), EmbeddedError> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        self.checked("initdb", |c| {
            c.arg("-D")
                .arg(&self.pgdata)
                .args(["-U", "postgres", "-A", "trust", "-E", "UTF8"])
                .arg("--locale=C.UTF-8");
            if durability == Durability::Disposable {
                c.arg("--no-sync");
            }
        })
    }

    fn pg_ctl_start(&self, durability: Durability) -> Result<(), EmbeddedError> {
        let mut options = format!(
            "-k {} -c listen_addresses='' -p {PORT} -c unix_socket_permissions=0700",
            self.socket_dir.display()
        );
        if durability == Durability::Disposable {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        self.checked("pg_ctl", |c| {
            c.args(["start", "-w", "-t", "60", "-D"])
                .arg(&self.pgdata)
                .arg("-l")
                .arg(&self.log_file)
                .arg("-o")
                .arg(&options);
        })
    }

    fn pg_ctl_stop(&self) -> Result<(), EmbeddedError> {
        self.checked("pg_ctl", |c| {
            c.args(["stop", "-w", "-t", "60", "-m", "fast", "-D"])
                .arg(&self.pgdata);
        })
    }

    /// Polls until the server accepts connections (true) or `timeout` passes (false). A server
    /// still recovering answers "rejecting connections" for a while: that is worth waiting for.
    fn wait_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let ready = self
                .run("pg_isready", |c| {
                    c.args([
                        "-q",
                        "-U",
                        "postgres",
                        "-t",
                        "2",
                        "-p",
                        &PORT.to_string(),
                        "-h",
                    ])
                    .arg(&self.socket_dir);
                })
                .is_ok_and(|out| out.status.success());
            if ready {
                return true;
            }
            if Instant::now() >= deadline || !self.is_running() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `pg_ctl start`, tried again for a few seconds: after a crash, the killed server's
    /// processes may hold the data dir's shared memory for a moment.
    fn start_with_retries(&self, durability: Durability) -> Result<(), EmbeddedError> {
        const ATTEMPTS: u32 = 5;
        let mut attempt = 1;
        loop {
            match self.pg_ctl_start(durability) {
                Ok(()) => return Ok(()),
                Err(error) if attempt < ATTEMPTS => {
                    tracing::warn!(
                        "PostgreSQL did not start (attempt {attempt}/{ATTEMPTS}): {error}"
                    );
                    std::thread::sleep(Duration::from_secs(1));
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Runs a PostgreSQL program as the cluster's account, from a directory it can enter.
    fn run(&self, program: &str, args: impl FnOnce(&mut Command)) -> io::Result<Output> {
        let mut command = Command::new(self.bin_dir.join(program));
        args(&mut command);
        command
            .current_dir(self.pgdata.parent().unwrap_or(Path::new("/")))
            .env_remove("PGDATA")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(account) = self.account {
            command.uid(account.uid).gid(account.gid);
        }
        command.output()
    }

    fn checked(&self, program: &str, args: impl FnOnce(&mut Command)) -> Result<(), EmbeddedError> {
        let out = self
            .run(program, args)
            .map_err(|e| io_error(format_args!("cannot run {program}"), e))?;
        if out.status.success() {
            return Ok(());
        }
        Err(EmbeddedError::Command {
            command: program.to_owned(),
            status: out.status.to_string(),
            log: self.log_file.display().to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

/// Where the PostgreSQL server programs are: `pg_config --bindir`, then `initdb` on the PATH,
/// then the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_initdb(&dir) {
            return Some(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_initdb(d))
    {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_initdb(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Reads `/etc/passwd` for `name`'s uid and primary gid.
fn lookup_account(name: &str) -> Option<Account> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next()? == name).then_some(())?;
        let _password = fields.next()?;
        Some(Account {
            uid: fields.next()?.parse().ok()?,
            gid: fields.next()?.parse().ok()?,
        })
    })
}

/// The data directory (PGDATA) that [`EmbeddedPostgres::start`] uses for `data_dir`, without
/// creating anything (for operators' tools and tests that look for the server's processes).
pub fn pgdata_for(data_dir: &Path) -> Option<PathBuf> {
    let data_dir = fs::canonicalize(data_dir).ok()?;
    let account = if is_root() {
        Some(lookup_account("postgres")?)
    } else {
        None
    };
    Some(resolve_base(&data_dir, account).0.join("postgres"))
}

/// Where the cluster of `data_dir` lives: the data dir itself, unless the cluster's account
/// cannot traverse one of its parents (a checkout under a mode-700 home or temp dir); then a
/// stable per-data-dir directory under `/var/lib/territoires`. Also returns the blocking
/// directory in that case.
fn resolve_base(data_dir: &Path, account: Option<Account>) -> (PathBuf, Option<PathBuf>) {
    let blocking = account.and_then(|account| first_untraversable(data_dir, account));
    match blocking {
        None => (data_dir.to_path_buf(), None),
        Some(blocking) => {
            let hash = fnv1a(data_dir.as_os_str().as_encoded_bytes());
            let fallback = Path::new(ROOT_FALLBACK_BASE).join(format!("{hash:016x}"));
            (fallback, Some(blocking))
        }
    }
}

/// [`resolve_base`], creating the fallback directory when one is needed.
fn cluster_base(data_dir: &Path, account: Option<Account>) -> Result<PathBuf, EmbeddedError> {
    let (base, blocking) = resolve_base(data_dir, account);
    if let Some(blocking) = blocking {
        tracing::warn!(
            data_dir = %data_dir.display(),
            blocking = %blocking.display(),
            cluster = %base.display(),
            "the `postgres` user cannot enter the data dir (a parent directory is private): \
             keeping the embedded cluster in the fallback directory instead. To keep it in the \
             data dir, choose a data dir outside private directories or run `chmod o+x` on the \
             blocking directory."
        );
        fs::create_dir_all(&base)
            .map_err(|e| io_error(format_args!("cannot create {}", base.display()), e))?;
        fs::set_permissions(ROOT_FALLBACK_BASE, fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(format_args!("cannot set mode of {ROOT_FALLBACK_BASE}"), e))?;
    }
    Ok(base)
}

/// The first directory, from `/` down to `dir`, that `account` may not traverse.
fn first_untraversable(dir: &Path, account: Account) -> Option<PathBuf> {
    let mut ancestors: Vec<&Path> = dir.ancestors().collect();
    ancestors.reverse();
    ancestors.into_iter().find_map(|a| {
        let meta = fs::metadata(a).ok()?;
        let mode = meta.mode();
        let can_enter = if meta.uid() == account.uid {
            mode & 0o100 != 0
        } else if meta.gid() == account.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        (!can_enter).then(|| a.to_path_buf())
    })
}

/// The socket directory: `<base>/run`, or a short directory under the system temp dir when that
/// path would exceed the kernel's unix socket path limit.
fn socket_dir_for(base: &Path) -> PathBuf {
    let preferred = base.join("run");
    let socket_file_len = preferred.as_os_str().len() + "/.s.PGSQL.5432".len();
    if socket_file_len <= MAX_SOCKET_PATH {
        return preferred;
    }
    std::env::temp_dir().join(format!(
        "territoires-{:016x}",
        fnv1a(base.as_os_str().as_encoded_bytes())
    ))
}

/// Creates `dir` with mode 0700, owned by the cluster's account.
fn prepare_private_dir(dir: &Path, account: Option<Account>) -> Result<(), EmbeddedError> {
    fs::create_dir_all(dir)
        .map_err(|e| io_error(format_args!("cannot create {}", dir.display()), e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| io_error(format_args!("cannot set mode of {}", dir.display()), e))?;
    if let Some(account) = account {
        chown(dir, account)?;
    }
    Ok(())
}

fn chown(path: &Path, account: Account) -> Result<(), EmbeddedError> {
    std::os::unix::fs::chown(path, Some(account.uid), Some(account.gid))
        .map_err(|e| io_error(format_args!("cannot chown {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_data_dirs_get_a_short_socket_dir() {
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(120)));
        let dir = socket_dir_for(&long);
        assert!(dir.as_os_str().len() + "/.s.PGSQL.5432".len() <= MAX_SOCKET_PATH);
        assert_eq!(
            dir,
            socket_dir_for(&long),
            "the fallback is stable across starts"
        );
        assert_eq!(socket_dir_for(Path::new("/srv/t")), Path::new("/srv/t/run"));
    }

    #[test]
    fn a_private_parent_blocks_other_users() {
        let root = std::env::temp_dir().join(format!("territoires-perm-{}", std::process::id()));
        let inner = root.join("inner");
        fs::create_dir_all(&inner).unwrap();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o700)).unwrap();
        let me = fs::metadata(&root).unwrap();
        let stranger = Account {
            uid: me.uid() + 4242,
            gid: me.gid() + 4242,
        };
        let owner = Account {
            uid: me.uid(),
            gid: me.gid(),
        };
        assert_eq!(first_untraversable(&inner, stranger), Some(root.clone()));
        assert_eq!(first_untraversable(&inner, owner), None);
        fs::set_permissions(&root, fs::Permissions::from_mode(0o711)).unwrap();
        assert_eq!(first_untraversable(&inner, stranger), None);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn accounts_are_read_from_passwd() {
        let root = lookup_account("root").expect("root is in /etc/passwd");
        assert_eq!((root.uid, root.gid), (0, 0));
        assert!(lookup_account("no-such-user-territoires").is_none());
    }
}
