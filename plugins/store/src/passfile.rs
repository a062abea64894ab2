//! PostgreSQL password files (libpq's `.pgpass` format, which sqlx reads from `PGPASSFILE`
//! or `~/.pgpass`): how a worker gets the database password without it being on any
//! command line.

use std::path::Path;
use std::str::FromStr;

use sea_orm::sqlx::postgres::PgConnectOptions;

use crate::error::StoreError;
use crate::location::Location;

/// The environment variable naming a password file, as libpq and sqlx read it.
pub const PASSFILE_ENV: &str = "PGPASSFILE";

/// One `host:port:database:user:password` line for the server of `location`, with the
/// password it carries (or `password` when given); `None` for a file or a URL without one.
pub fn passfile_line(
    location: &Location,
    password: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Location::Postgres(url) = location else {
        return Ok(None);
    };
    let Some(password) = password.map(String::from).or_else(|| location.password()) else {
        return Ok(None);
    };
    // The fields sqlx matches the file against, read the way it reads the URL.
    let bare = location.without_password();
    let Location::Postgres(bare_url) = &bare else {
        unreachable!("a server URL stays one")
    };
    let options = PgConnectOptions::from_str(bare_url).map_err(|error| {
        StoreError::UnsupportedUrl(format!("{} ({error})", crate::mask_url(url)))
    })?;
    let fields = [
        options.get_host().to_string(),
        options.get_port().to_string(),
        options.get_database().unwrap_or("*").to_string(),
        options.get_username().to_string(),
        password,
    ];
    Ok(Some(
        fields
            .iter()
            .map(|field| escape(field))
            .collect::<Vec<_>>()
            .join(":"),
    ))
}

/// Writes `line` as the only content of a password file readable by this user alone (mode
/// 0600, set before the secret is written), replacing any earlier one.
pub fn write_passfile(path: &Path, line: &str) -> Result<(), StoreError> {
    use std::io::Write;
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // An existing file keeps its mode on open: tighten it before writing.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

/// A field with `:` and `\` escaped, as the format requires.
fn escape(field: &str) -> String {
    field.replace('\\', r"\\").replace(':', r"\:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_server_and_escapes_the_password() {
        let location = Location::Postgres("postgres://lab:p%3Ass%5Cw@db.lab:6543/remap".into());
        assert_eq!(
            passfile_line(&location, None).unwrap().as_deref(),
            Some(r"db.lab:6543:remap:lab:p\:ss\\w")
        );
        let bare = Location::Postgres("postgres://lab@db/remap".into());
        assert_eq!(passfile_line(&bare, None).unwrap(), None);
        assert_eq!(
            passfile_line(&bare, Some("s3cret")).unwrap().as_deref(),
            Some("db:5432:remap:lab:s3cret")
        );
        assert_eq!(
            passfile_line(&Location::Sqlite("a.db".into()), Some("x")).unwrap(),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/pgpass");
        write_passfile(&path, "h:1:d:u:old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_passfile(&path, "h:1:d:u:new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "h:1:d:u:new\n");
    }
}
