//! Writing the planned guides: never over anything that exists, each guide folder
//! made complete in a temporary folder beside its place and then renamed into it, and
//! everything this run wrote removed again when one guide cannot be written.

use super::guide::GuidePlan;
use crate::diag::Diagnostic;
use crate::tempdirs;
use std::path::{Path, PathBuf};

/// Diagnostic code of an import that would overwrite or could not write.
pub const CODE: &str = "import";

/// A diagnostic for every planned guide whose place is taken: its folder, or a guide
/// file at the same URL (`slug.md` beside it).
pub fn check_free(root: &Path, plans: &[GuidePlan]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for plan in plans {
        let dir = root.join(&plan.dir);
        let same_url = dir.with_extension("md");
        for taken in [&dir, &same_url] {
            if taken.symlink_metadata().is_ok() {
                problems.push(
                    Diagnostic::error(
                        CODE,
                        crate::paths::rel_to(root, taken),
                        format!(
                            "`{}` exists: the post \"{}\" would overwrite it; nothing was written",
                            crate::paths::rel_to(root, taken).display(),
                            plan.report.title
                        ),
                    )
                    .help("import into another section with --section, leave the post out with --only, or move the existing guide"),
                );
            }
        }
    }
    problems
}

/// Writes every guide, or none: on the first failure the guides written so far are
/// removed again, and the error says which file failed.
pub fn write_all(root: &Path, plans: &[GuidePlan]) -> Result<(), Diagnostic> {
    let mut written: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    for plan in plans {
        if let Err(e) = write_guide(root, plan, &mut made_dirs) {
            for dir in written.iter().rev() {
                let _ = std::fs::remove_dir_all(dir);
            }
            for dir in made_dirs.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(e);
        }
        written.push(root.join(&plan.dir));
    }
    Ok(())
}

fn write_guide(
    root: &Path,
    plan: &GuidePlan,
    made_dirs: &mut Vec<PathBuf>,
) -> Result<(), Diagnostic> {
    let target = root.join(&plan.dir);
    let parent = target.parent().unwrap_or(root).to_path_buf();
    create_parents(&parent, made_dirs).map_err(|e| failed(root, &parent, &e))?;
    tempdirs::remove_stale(&parent, None);
    let staging = tempdirs::temp_path(&target);
    let result = fill(&staging, plan).and_then(|()| {
        // Checked again at the last moment: something may have appeared meanwhile,
        // and a rename would replace an empty folder without a word.
        if target.symlink_metadata().is_ok() {
            return Err((
                target.clone(),
                std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            ));
        }
        std::fs::rename(&staging, &target).map_err(|e| (target.clone(), e))
    });
    result.map_err(|(path, e)| {
        let _ = std::fs::remove_dir_all(&staging);
        failed(root, &path, &e)
    })
}

/// The guide's folder, complete, at `staging`.
fn fill(staging: &Path, plan: &GuidePlan) -> Result<(), (PathBuf, std::io::Error)> {
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |e| (path, e)
    };
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(at(staging))?;
    }
    std::fs::create_dir(staging).map_err(at(staging))?;
    let index = staging.join("index.md");
    std::fs::write(&index, &plan.index).map_err(at(&index))?;
    for copy in &plan.copies {
        let to = staging.join(&copy.to);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(at(dir))?;
        }
        std::fs::copy(&copy.from, &to).map_err(at(&copy.from))?;
    }
    Ok(())
}

/// Creates the missing folders above a guide, remembering them for a rollback.
fn create_parents(dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut at = dir;
    while !at.exists() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(parent) => at = parent,
            None => break,
        }
    }
    for d in missing.into_iter().rev() {
        std::fs::create_dir(&d)?;
        made.push(d);
    }
    Ok(())
}

fn failed(root: &Path, path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        CODE,
        crate::paths::rel_to(root, path),
        format!("cannot write the imported guide: {e}; nothing was imported"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wordpress::images::Copy;
    use crate::import::wordpress::report::GuideReport;

    fn plan(dir: &str, copies: Vec<Copy>) -> GuidePlan {
        GuidePlan {
            dir: PathBuf::from(dir),
            index: "---\ntitle: T\n---\n\nBody\n".into(),
            copies,
            report: GuideReport::default(),
        }
    }

    #[test]
    fn all_or_nothing() {
        let root = tempfile::tempdir().unwrap();
        let image = root.path().join("x.png");
        std::fs::write(&image, b"png").unwrap();
        let good = plan(
            "content/imported/a",
            vec![Copy {
                from: image,
                to: "screenshots/x.png".into(),
                url: String::new(),
            }],
        );
        write_all(root.path(), std::slice::from_ref(&good)).unwrap();
        assert_eq!(
            std::fs::read(root.path().join("content/imported/a/screenshots/x.png")).unwrap(),
            b"png"
        );
        std::fs::remove_dir_all(root.path().join("content/imported")).unwrap();

        let broken = plan(
            "content/imported/b",
            vec![Copy {
                from: root.path().join("gone.png"),
                to: "screenshots/gone.png".into(),
                url: String::new(),
            }],
        );
        let e = write_all(root.path(), &[good, broken]).unwrap_err();
        assert_eq!(e.file, PathBuf::from("gone.png"));
        assert!(
            !root.path().join("content/imported").exists(),
            "the first guide and the folders made for it are gone"
        );
        let leftovers: Vec<_> = std::fs::read_dir(root.path().join("content"))
            .unwrap()
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn taken_places_are_reported() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/imported")).unwrap();
        std::fs::write(root.path().join("content/imported/a.md"), "x").unwrap();
        let problems = check_free(root.path(), &[plan("content/imported/a", Vec::new())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].file, PathBuf::from("content/imported/a.md"));
    }
}
