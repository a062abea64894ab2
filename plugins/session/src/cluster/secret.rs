//! The database password on its way to workers (spec §10.3): never on a command line, in a
//! batch script or in `sacct`. The URL the workers get has no password; the password goes
//! into a PostgreSQL password file readable by the user alone (mode 0600) beside the
//! workers' logs, and the workers find it through `PGPASSFILE`.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use remap_store::{Location, passfile_line};

use crate::error::SessionError;

/// A password file to write before workers start: where, and its one line.
#[derive(Clone, PartialEq, Eq)]
pub struct DbSecret {
    /// The file, as the workers' machines see it.
    pub file: PathBuf,
    line: String,
}

impl fmt::Debug for DbSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbSecret")
            .field("file", &self.file)
            .field("line", &"***")
            .finish()
    }
}

impl DbSecret {
    /// Splits the database `db` into what workers get on their command line (the URL without
    /// its password) and the secret, filed under `dir`. The password is the URL's, else
    /// `password`; with neither, workers rely on their own `~/.pgpass` or `PGPASSFILE`.
    pub fn split(
        db: &str,
        password: Option<&str>,
        dir: &Path,
    ) -> Result<(String, Option<DbSecret>), SessionError> {
        let location = Location::parse(db)?;
        let Location::Postgres(bare) = location.without_password() else {
            return Ok((db.to_string(), None));
        };
        let Some(line) = passfile_line(&location, password.filter(|p| !p.is_empty()))? else {
            return Ok((bare, None));
        };
        // One file per server and user, so submissions to two databases sharing a log
        // directory do not overwrite each other's.
        let mut hasher = std::hash::DefaultHasher::new();
        bare.hash(&mut hasher);
        let file = dir.join(format!(".remap-{:016x}.pgpass", hasher.finish()));
        Ok((bare, Some(DbSecret { file, line })))
    }

    /// The file's content (one libpq password line).
    pub fn line(&self) -> &str {
        &self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_a_file() {
        let dir = Path::new("/scratch/logs");
        let (url, secret) =
            DbSecret::split("postgres://lab:s%3Acret@db:5432/remap", None, dir).unwrap();
        assert_eq!(url, "postgres://lab@db:5432/remap");
        let secret = secret.unwrap();
        assert_eq!(secret.line(), r"db:5432:remap:lab:s\:cret");
        assert!(secret.file.starts_with(dir));
        // The password, decoded or escaped, is not in the debug text ("DbSecret" is).
        let debug = format!("{secret:?}");
        assert!(
            !debug.contains("s:cret") && !debug.contains(r"s\:cret"),
            "{debug}"
        );

        let (url, secret) = DbSecret::split("postgres://lab@db/remap", Some("pw"), dir).unwrap();
        assert_eq!(url, "postgres://lab@db/remap");
        assert_eq!(secret.unwrap().line(), "db:5432:remap:lab:pw");
        assert_eq!(
            DbSecret::split("postgres://lab@db/remap", None, dir).unwrap(),
            ("postgres://lab@db/remap".to_string(), None)
        );
        assert_eq!(
            DbSecret::split("/data/remap.db", Some("pw"), dir).unwrap(),
            ("/data/remap.db".to_string(), None)
        );
    }
}
