//! Where the database and its files live.

use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// Environment variable that replaces the platform's application data directory.
pub const DATA_DIR_ENV: &str = "REMAP_DATA_DIR";

/// A database: the embedded SQLite file or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` (or `postgresql://`) URL.
    Postgres(String),
}

impl Location {
    /// Reads `--db`: a `postgres://` URL, a `sqlite://PATH` URL or a plain file path.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Location::Postgres(text.to_string()))
        } else if let Some(path) = text.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl(mask_url(text)));
            }
            Ok(Location::Sqlite(PathBuf::from(path)))
        } else if text.contains("://") || text.is_empty() {
            Err(StoreError::UnsupportedUrl(mask_url(text)))
        } else {
            Ok(Location::Sqlite(PathBuf::from(text)))
        }
    }

    /// The embedded default: `remap.db` in [`data_dir`].
    pub fn embedded() -> Result<Self, StoreError> {
        Ok(Location::Sqlite(data_dir()?.join("remap.db")))
    }

    /// Where weights and checkpoints of this database go: beside an SQLite file
    /// (`remap.db` → `remap.files/`), under [`data_dir`] for a server.
    pub fn default_files_dir(&self) -> Result<PathBuf, StoreError> {
        match self {
            Location::Sqlite(path) => Ok(path.with_extension("files")),
            Location::Postgres(_) => Ok(data_dir()?.join("files")),
        }
    }

    /// A server URL with `password` set for its user (percent-encoded), replacing any in
    /// the URL; a file or an empty password is returned unchanged.
    pub fn with_password(&self, password: &str) -> Location {
        let Location::Postgres(url) = self else {
            return self.clone();
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return self.clone();
        };
        if password.is_empty() {
            return self.clone();
        }
        let Some((user, host)) = rest.split_once('@') else {
            return self.clone();
        };
        let user = user.split(':').next().unwrap_or_default();
        let encoded: String = password
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        Location::Postgres(format!("{scheme}://{user}:{encoded}@{host}"))
    }

    /// A description for messages and logs: a URL's password masked ([`mask_url`]).
    pub fn display(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => mask_url(url),
        }
    }

    /// The password a server URL carries (percent-decoded), if any.
    pub fn password(&self) -> Option<String> {
        let Location::Postgres(url) = self else {
            return None;
        };
        let (user, _) = split_credentials(url)?;
        let (_, password) = user.split_once(':')?;
        Some(percent_decode(password)).filter(|password| !password.is_empty())
    }

    /// The same database without the URL's password (what may go on a command line).
    pub fn without_password(&self) -> Location {
        match self {
            Location::Postgres(url) => match split_credentials(url) {
                Some((user, host)) if user.contains(':') => {
                    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
                    let user = user.split(':').next().unwrap_or_default();
                    Location::Postgres(format!("{}://{user}@{host}", scheme.unwrap_or_default()))
                }
                _ => self.clone(),
            },
            Location::Sqlite(_) => self.clone(),
        }
    }
}

/// `url` with its password, if any, replaced by `***` (`postgres://lab:***@db/remap`): the
/// one form in which a database URL is printed or logged.
pub fn mask_url(url: &str) -> String {
    match split_credentials(url) {
        Some((user, host)) if user.contains(':') => {
            let scheme = url.split_once("://").map(|(scheme, _)| scheme);
            let user = user.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{host}", scheme.unwrap_or_default())
        }
        _ => url.to_string(),
    }
}

/// The `user[:password]` part of a URL and the rest, where it has one. The credentials end
/// at the last `@` before the path: a password may contain `@` unencoded.
fn split_credentials(url: &str) -> Option<(&str, &str)> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let at = authority.rfind('@')?;
    Some((&rest[..at], &rest[at + 1..]))
}

/// Decodes `%XX` escapes (anything else is kept as it is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `$REMAP_DATA_DIR`, else the platform's data directory + `remap`
/// (`~/.local/share/remap`, `~/Library/Application Support/remap`, `%APPDATA%\remap`).
pub fn data_dir() -> Result<PathBuf, StoreError> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => dirs::data_dir()
            .map(|dir| dir.join("remap"))
            .ok_or(StoreError::NoDataDir),
    }
}

/// Whether `path` starts like an SQLite database (an empty or missing file is a new one).
pub(crate) fn looks_like_sqlite(path: &Path) -> Result<bool, std::io::Error> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(error) => return Err(error),
    };
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read == 0 || (read == 16 && &header == b"SQLite format 3\0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths_and_urls() {
        assert_eq!(
            Location::parse("a/b.db").unwrap(),
            Location::Sqlite("a/b.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/x.db?mode=rwc").unwrap(),
            Location::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            Location::parse("postgres://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        assert!(Location::parse("mysql://h/db").is_err());
        assert_eq!(
            Location::Postgres("postgres://u:secret@h/db".into()).display(),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            Location::Sqlite("d/remap.db".into())
                .default_files_dir()
                .unwrap(),
            PathBuf::from("d/remap.files")
        );
    }

    #[test]
    fn a_password_is_set_percent_encoded() {
        let url = Location::Postgres("postgres://lab@db:5432/remap".into());
        assert_eq!(
            url.with_password("p@ss:w/rd"),
            Location::Postgres("postgres://lab:p%40ss%3Aw%2Frd@db:5432/remap".into())
        );
        assert_eq!(url.with_password(""), url);
        let old = Location::Postgres("postgres://lab:old@db/remap".into());
        assert_eq!(
            old.with_password("new"),
            Location::Postgres("postgres://lab:new@db/remap".into())
        );
        let file = Location::Sqlite("a.db".into());
        assert_eq!(file.with_password("x"), file);
    }

    #[test]
    fn a_password_is_masked_read_and_removed() {
        let url = "postgres://lab:p%40ss@w@db:5432/remap?sslmode=require";
        assert_eq!(
            mask_url(url),
            "postgres://lab:***@db:5432/remap?sslmode=require"
        );
        assert_eq!(
            mask_url("postgres://lab@db/remap"),
            "postgres://lab@db/remap"
        );
        assert_eq!(mask_url("postgres://db/remap"), "postgres://db/remap");
        assert_eq!(mask_url("/data/remap.db"), "/data/remap.db");
        let location = Location::Postgres(url.into());
        assert_eq!(location.password().as_deref(), Some("p@ss@w"));
        assert_eq!(
            location.without_password(),
            Location::Postgres("postgres://lab@db:5432/remap?sslmode=require".into())
        );
        let plain = Location::Postgres("postgres://lab@db/remap".into());
        assert_eq!(plain.password(), None);
        assert_eq!(plain.without_password(), plain);
        let encoded = Location::Postgres("postgres://lab@db/remap".into()).with_password("a:b/c%");
        assert_eq!(encoded.password().as_deref(), Some("a:b/c%"));
    }

    #[test]
    fn recognises_sqlite_headers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        assert!(looks_like_sqlite(&path).unwrap());
        std::fs::write(&path, b"").unwrap();
        assert!(looks_like_sqlite(&path).unwrap());
        std::fs::write(&path, b"hello, this is not a database at all").unwrap();
        assert!(!looks_like_sqlite(&path).unwrap());
    }
}
