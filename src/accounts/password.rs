//! Passwords: the policy (a minimum length, not one of the most common passwords), hashing with
//! argon2id and verification, both off the async runtime on a fixed set of workers (they cost
//! tens of milliseconds of CPU and 19 MiB each), and one-time passwords for new accounts.

use std::sync::{Arc, LazyLock, Mutex};

use crate::error::{Error, Result};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// The most used passwords (French and English lists), lower-cased. One of them with only
/// digits or symbols around it is refused too ("Azerty123456!"), as are passwords made only of
/// digits and symbols, or of one repeated character.
const COMMON: &[&str] = &[
    "123456",
    "123456789",
    "12345678",
    "1234567890",
    "password",
    "motdepasse",
    "azerty",
    "azertyuiop",
    "qwerty",
    "qwertyuiop",
    "111111",
    "000000",
    "123123",
    "654321",
    "abc123",
    "iloveyou",
    "jetaime",
    "soleil",
    "doudou",
    "loulou",
    "chouchou",
    "marseille",
    "bonjour",
    "football",
    "princesse",
    "nicolas",
    "camille",
    "dragon",
    "monkey",
    "letmein",
    "admin",
    "administrateur",
    "welcome",
    "bienvenue",
    "secret",
    "sunshine",
    "master",
    "passw0rd",
    "password1",
    "motdepasse1",
    "territoire",
    "territoires",
    "mairie",
    "commune",
    "changeme",
];

/// Why a password is refused; each is an i18n key.
#[derive(Debug, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooCommon,
}

impl Weakness {
    pub fn message_key(&self) -> &'static str {
        match self {
            Weakness::TooShort => "password-too-short",
            Weakness::TooCommon => "password-too-common",
        }
    }
}

/// Checks `password` against the policy.
pub fn check(password: &str) -> Result<(), Weakness> {
    if password.chars().count() < MIN_LENGTH {
        return Err(Weakness::TooShort);
    }
    // What is left once digits and symbols are stripped from both ends ("Azerty2024!" → "azerty").
    let core = password
        .to_lowercase()
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_owned();
    let first = password.chars().next();
    let one_character = password.chars().all(|c| Some(c) == first);
    if core.is_empty() || one_character || COMMON.contains(&core.as_str()) {
        return Err(Weakness::TooCommon);
    }
    Ok(())
}

/// Computations allowed to wait for a worker; beyond that a request is answered "busy" at once.
const MAX_WAITING: usize = 32;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the argon2 workers: one thread per core, started on first use. Each
/// computation holds 19 MiB and a core for tens of milliseconds; running them on a fixed set of
/// threads bounds both the memory they take at once and what the allocator keeps afterwards
/// (one arena per worker), whatever number of sign-ins arrives.
static WORKERS: LazyLock<std::sync::mpsc::SyncSender<Job>> = LazyLock::new(|| {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(MAX_WAITING);
    let receiver = Arc::new(Mutex::new(receiver));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    for n in 0..workers {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .expect("the argon2 worker threads start");
    }
    sender
});

/// Runs `work` (an argon2 computation) on a worker, or answers [`Error::Busy`] at once when
/// [`MAX_WAITING`] computations already wait.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    match WORKERS.try_send(job) {
        Ok(()) => {}
        Err(std::sync::mpsc::TrySendError::Full(_)) => return Err(Error::Busy),
        Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
            return Err(anyhow::anyhow!("the argon2 workers stopped").into());
        }
    }
    Ok(result.await.map_err(anyhow::Error::from)?)
}

/// The argon2id hash (PHC string) of `password`, computed in turn by a worker.
pub async fn hash(password: String) -> Result<String> {
    in_turn(move || password_auth::generate_hash(password)).await
}

/// Whether `password` matches `hash`, computed in turn by a worker.
pub async fn verify(password: String, hash: String) -> Result<bool> {
    in_turn(move || password_auth::verify_password(password, &hash).is_ok()).await
}

/// A random one-time password: 20 characters from the OS random generator.
pub fn one_time() -> String {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    bytes
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes())
        .take(20)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert_eq!(check("court"), Err(Weakness::TooShort));
        assert_eq!(check("azertyuiop12"), Err(Weakness::TooCommon));
        assert_eq!(check("Motdepasse2024!"), Err(Weakness::TooCommon));
        assert_eq!(check("aaaaaaaaaaaaaaa"), Err(Weakness::TooCommon));
        assert_eq!(check("123456789012"), Err(Weakness::TooCommon));
        assert_eq!(check("cheval-agrafe-batterie"), Ok(()));
        assert_eq!(check(&one_time()), Ok(()));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hash = hash("cheval-agrafe-batterie".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(
            verify("cheval-agrafe-batterie".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify("cheval-agrafe-batteri".into(), hash).await.unwrap());
    }
}
