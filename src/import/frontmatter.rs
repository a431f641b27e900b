//! Front matter of the guides an importer writes: the fields of SPEC §2 and §3.4 in
//! their documented order, serialized by the one YAML writer (`source::frontmatter`),
//! so that every value reads back as written, whatever quotes or colons it holds.

use crate::source::frontmatter::to_yaml;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewFrontMatter {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caveats: Vec<NewCaveat>,
}

/// A caveat nobody has reviewed yet (`status: candidate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCaveat {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub severity: String,
    pub status: &'static str,
    pub source: NewSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSource {
    pub kind: &'static str,
    pub author: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

pub const CANDIDATE: &str = "candidate";

/// A whole markdown file: front matter between `---` lines, a blank line, the body.
pub fn guide_file(front: &NewFrontMatter, body: &str) -> Result<String, String> {
    let yaml = to_yaml(front)?;
    let body = body.trim_matches('\n');
    Ok(format!("---\n{yaml}---\n\n{body}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::frontmatter::{parse, split};
    use std::path::Path;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let front = NewFrontMatter {
            title: "Verify: the \"partner\" of record # 1".into(),
            summary: Some("- starts like a list item: and has a colon".into()),
            updated: Some("2013-05-02".into()),
            tags: vec!["yes".into(), "Office 365".into()],
            caveats: vec![NewCaveat {
                text: "First line\n\nReply from Steve: *second*".into(),
                step: Some("step-2".into()),
                severity: "warning".into(),
                status: CANDIDATE,
                source: NewSource {
                    kind: "comment",
                    author: "O'Brien: the author".into(),
                    date: Some("2013-06-14".into()),
                    url: Some("https://b.example/post/#comment-3".into()),
                },
            }],
        };
        let file = guide_file(&front, "\n\nBody\n").unwrap();
        assert!(file.ends_with("---\n\nBody\n"), "{file}");
        let s = split(&file).unwrap();
        let mut diags = Vec::new();
        let yaml = s.yaml.unwrap();
        assert!(yaml.contains("\n  status: candidate\n"), "{yaml}");
        let fm = parse(yaml, s.yaml_line, Path::new("x.md"), &mut diags);
        let fm = fm.expect("parses");
        assert_eq!(fm.title.as_deref(), Some(front.title.as_str()));
        assert_eq!(fm.summary, front.summary);
        assert_eq!(fm.updated, front.updated);
        assert_eq!(fm.tags, front.tags);
        assert_eq!(fm.caveats.len(), 1);
        assert_eq!(fm.caveats[0].text, front.caveats[0].text);
        assert_eq!(fm.caveats[0].step.as_deref(), Some("step-2"));
        assert_eq!(fm.caveats[0].status.as_deref(), Some("candidate"));
        assert!(diags.is_empty(), "{diags:?}");
        let source = fm.caveats[0].source.as_ref().unwrap();
        assert_eq!(source.author.as_deref(), Some("O'Brien: the author"));
    }
}
