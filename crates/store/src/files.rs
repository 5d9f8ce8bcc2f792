//! The SQLite database's files are the desk's own: they hold every
//! request, so the database and its journal files are readable by the
//! desk's user only (0600), and a folder made for them is 0700.

use std::path::{Path, PathBuf};

/// The database at `path` and its journal files, as they may exist.
fn with_journals(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect()
}

/// Makes the database's folder (0700) if it is missing, the database file
/// (0600) before SQLite opens it — SQLite gives its journal files the
/// database's mode — and narrows an existing database and its journals to
/// 0600 (a folder that exists is left as the operator made it).
#[cfg(unix)]
pub(crate) fn private_database(path: &Path) -> std::io::Result<()> {
    use std::io::ErrorKind;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for file in with_journals(path) {
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Makes the database's folder if it is missing (no modes to set here).
#[cfg(not(unix))]
pub(crate) fn private_database(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_and_its_folder_are_private_and_an_old_one_is_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let fresh = root.path().join("data/nested/rightsdesk.db");
        private_database(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o600);
        assert_eq!(mode(fresh.parent().unwrap()), 0o700);

        let old = root.path().join("old.db");
        for file in with_journals(&old).iter().take(3) {
            std::fs::write(file, b"").unwrap();
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        private_database(&old).unwrap();
        for file in with_journals(&old).iter().take(3) {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
    }
}
