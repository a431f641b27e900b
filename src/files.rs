//! Reading the many small files of a site (markdown sources, screenshots) with as few
//! system calls as they need. Opening and reading a small file costs less than the
//! lookups around it: asking whether the path is a symlink (a second walk of the
//! path), and the size and position questions that `File::read_to_end` asks before
//! it reads.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The file at `path` opened for reading, with its length, unless it is a symlink
/// (opened with `O_NOFOLLOW`): one lookup of the path where asking first whether it
/// is a symlink takes two. None for a symlink, on any failure, and where the system
/// cannot tell (not unix): callers then look at the path step by step, and report
/// what they find as they always have.
pub fn open_unlinked(path: &Path) -> Option<(File, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .ok()?;
        // Of the open file: no lookup of the path.
        let len = file.metadata().ok()?.len();
        Some((file, len))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Everything in `file` up to `limit` bytes and one more (so that a caller can tell
/// a file over the limit), `len` bytes long as far as the caller knows: read
/// straight into a buffer of that size, without the size and position questions of
/// `File::read_to_end` and without its reads of at most 8 KiB at first, nor the
/// read of nothing that finds the end when the first read found it already.
pub fn read_up_to(mut file: File, len: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let most = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    // Room for one byte more than expected, so that the read that finds the end
    // needs no bigger buffer.
    let room = usize::try_from(len.saturating_add(1))
        .unwrap_or(usize::MAX)
        .min(most);
    let mut content = vec![0u8; room];
    let mut filled = 0;
    loop {
        if filled == content.len() {
            if filled >= most {
                break;
            }
            // Longer than it was: grow, within the limit.
            content.resize(filled.saturating_mul(2).max(64).min(most), 0);
        }
        match file.read(&mut content[filled..]) {
            Ok(0) => break,
            // A read that stops short at exactly the length the file said it had has
            // found its end: a file on disk gives all it holds up to the room given.
            // (A pipe or a file of /proc says 0; it is read until a read gives 0.)
            Ok(n) if filled + n < content.len() && (filled + n) as u64 == len => {
                filled += n;
                break;
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    content.truncate(filled);
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_opens_unlinked_and_reads_whole_a_symlink_does_not_open() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().to_path_buf();
        let file = dir.join("a.md");
        std::fs::write(&file, b"hello").unwrap();
        let (opened, len) = open_unlinked(&file).expect("a plain file opens");
        assert_eq!(len, 5);
        assert_eq!(read_up_to(opened, len, 100).unwrap(), b"hello");
        let (opened, len) = open_unlinked(&file).unwrap();
        assert_eq!(
            read_up_to(opened, len, 3).unwrap(),
            b"hell",
            "one byte over"
        );
        let (opened, _) = open_unlinked(&file).unwrap();
        assert_eq!(
            read_up_to(opened, 1, 100).unwrap(),
            b"hello",
            "longer than said"
        );
        let (opened, _) = open_unlinked(&file).unwrap();
        assert_eq!(
            read_up_to(opened, 9, 100).unwrap(),
            b"hello",
            "shorter than said"
        );
        let (opened, _) = open_unlinked(&file).unwrap();
        assert_eq!(read_up_to(opened, 0, 0).unwrap(), b"h", "a limit of none");
        let (opened, _) = open_unlinked(&file).unwrap();
        assert_eq!(
            read_up_to(opened, 0, 2).unwrap(),
            b"hel",
            "grown within the limit"
        );
        assert!(open_unlinked(&dir.join("missing.md")).is_none());
        #[cfg(unix)]
        {
            let link = dir.join("link.md");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(open_unlinked(&link).is_none(), "a symlink is not opened");
        }
    }
}
