//! Group commit for the SQLite store: one fsync makes many commits durable.
//!
//! SQLite in WAL mode with `synchronous=FULL` fsyncs the WAL at every commit, which caps a
//! disk with ~2 ms fsyncs at ~500 commits/s. Instead the store commits with
//! `synchronous=NORMAL` (SQLite writes the transaction's frames to the WAL file before the
//! commit returns, but skips the fsync) and every committer then waits on [`GroupSync::sync`]
//! before its write is reported as done. One fsync of the WAL file covers every commit that
//! returned before that fsync started, so concurrent committers share it.
//!
//! Why this is as durable as `FULL`: a commit's frames are in the WAL file (page cache) when
//! `COMMIT` returns; an fsync of that file started afterwards persists them. If the WAL file is
//! gone or was reset, a checkpoint copied its frames into the database, and with
//! `synchronous=NORMAL` SQLite fsyncs the WAL before and the database after each checkpoint.
//! A commit is reported to the client only after its covering fsync succeeded; if the fsync
//! fails, the write is reported as failed.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Mutex;

/// Coalesces fsyncs of one SQLite database's WAL file.
#[derive(Debug)]
pub(super) struct GroupSync {
    wal: PathBuf,
    /// Tickets handed out: one per commit waiting to be durable.
    requested: AtomicU64,
    /// Every ticket up to this one is durable.
    completed: AtomicU64,
    /// One fsync at a time; waiters queue here and are usually covered by the one running.
    syncing: Mutex<()>,
}

impl GroupSync {
    /// A group sync for the database file `database` (its WAL is `<database>-wal`).
    pub(super) fn new(database: PathBuf) -> Self {
        let mut wal = database.into_os_string();
        wal.push("-wal");
        Self {
            wal: PathBuf::from(wal),
            requested: AtomicU64::new(0),
            completed: AtomicU64::new(0),
            syncing: Mutex::new(()),
        }
    }

    /// Returns once every commit that returned before this call is on disk.
    pub(super) async fn sync(&self) -> io::Result<()> {
        let ticket = self.requested.fetch_add(1, Ordering::AcqRel) + 1;
        if self.completed.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        let _turn = self.syncing.lock().await;
        if self.completed.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every ticket handed out so far belongs to a commit that already returned.
        let covered = self.requested.load(Ordering::Acquire);
        let wal = self.wal.clone();
        tokio::task::spawn_blocking(move || fsync_if_present(&wal))
            .await
            .map_err(io::Error::other)??;
        self.completed.fetch_max(covered, Ordering::AcqRel);
        Ok(())
    }
}

fn fsync_if_present(path: &std::path::Path) -> io::Result<()> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(file) => file.sync_data(),
        // No WAL file: its frames were checkpointed into the database, which SQLite synced.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn concurrent_waiters_share_fsyncs_and_all_complete() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("r.db");
        std::fs::write(format!("{}-wal", db.display()), b"frames").expect("wal");
        let sync = Arc::new(GroupSync::new(db));
        let waiters: Vec<_> = (0..32)
            .map(|_| {
                let sync = Arc::clone(&sync);
                tokio::spawn(async move { sync.sync().await })
            })
            .collect();
        for w in waiters {
            w.await.expect("task").expect("sync");
        }
        assert_eq!(sync.completed.load(Ordering::Acquire), 32);
    }

    #[tokio::test]
    async fn missing_wal_counts_as_synced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sync = GroupSync::new(dir.path().join("absent.db"));
        sync.sync().await.expect("no WAL is fine");
    }
}
