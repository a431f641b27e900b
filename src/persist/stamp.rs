//! What a file looked like on disk, to tell without reading it that it was not
//! changed: its length, modification time, inode and device (and, for files the build
//! does not own, its change time).
//!
//! A file written through changes its modification time (and its change time, which
//! no program can set); a file replaced by another is another inode. What goes
//! unnoticed is a file changed in place that keeps its length and whose modification
//! time is set back by hand (git's index makes the same bet). Times are recorded only
//! when they are older than the moment of recording (`settled`), so that a change in
//! the same tick of a coarse clock as the recorded time cannot keep it.

use serde::{Deserialize, Serialize};
use std::fs::Metadata;
use std::time::{Duration, SystemTime};

/// Length, modification time, inode and device of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    len: u64,
    mtime: (i64, i64),
    ino: u64,
    dev: u64,
}

/// A `FileStamp` and the change time: for files of the site, which guidepost never
/// links, so that their change time moves only when they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStamp {
    file: FileStamp,
    ctime: (i64, i64),
}

impl FileStamp {
    /// The stamp of a regular file (None for anything else, or off Unix).
    pub fn of(meta: &Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.file_type().is_file().then(|| FileStamp {
                len: meta.len(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ino: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether its modification time is before `now` (in the same file system's
    /// clock): a later change then gets another time, however coarse the clock.
    pub fn settled(&self, now: (i64, i64)) -> bool {
        self.mtime < now
    }
}

impl SourceStamp {
    /// The stamp of a regular file, when its times are at least `MARGIN` before the
    /// system clock now (see `FileStamp::settled`; the site's file system may have a
    /// coarser clock than the cache's, and no file of guidepost's to compare with).
    pub fn settled_of(meta: &Metadata) -> Option<SourceStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let file = FileStamp::of(meta)?;
            let stamp = SourceStamp {
                file,
                ctime: (meta.ctime(), meta.ctime_nsec()),
            };
            let now = SystemTime::now()
                .checked_sub(MARGIN)?
                .duration_since(SystemTime::UNIX_EPOCH)
                .ok()?;
            let now = (now.as_secs() as i64, i64::from(now.subsec_nanos()));
            (stamp.file.mtime < now && stamp.ctime < now).then_some(stamp)
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// The stamp of a file as it is now, settled or not (to compare with a recorded
    /// one).
    pub fn of(meta: &Metadata) -> Option<SourceStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(SourceStamp {
                file: FileStamp::of(meta)?,
                ctime: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// How much older than the clock a site file's times must be for its stamp to be kept:
/// more than the coarsest file system clock (2 s, FAT) and a little clock drift.
const MARGIN: Duration = Duration::from_secs(3);

/// The modification time of `meta` as a stamp's time (to compare with `settled`).
pub fn mtime_of(meta: &Metadata) -> Option<(i64, i64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.mtime(), meta.mtime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}
