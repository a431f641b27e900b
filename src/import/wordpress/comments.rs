//! A post's comments → threads → candidate caveats.
//!
//! Only approved comments count: spam, trash, comments waiting for approval,
//! pingbacks and trackbacks are skipped, each with its reason. A thread is a
//! top-level comment with every reply below it (`wp:comment_parent`), in date order.
//! Old blogs had no threaded replies: a top-level comment that starts with
//! `@Name` (an earlier commenter's name) is taken as a reply to that commenter.
//!
//! A thread whose words are only thanks, praise or a greeting (fewer than
//! `SUBSTANCE` other words) has nothing to act on and is skipped; so is such a reply
//! inside a thread that has something (it would add nothing to the caveat).

use super::html::{self, escape_text, Purpose};
use super::sanitize::sanitize;
use super::wxr::Comment;
use crate::search::text::tokenize;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Words of substance a thread needs, besides thanks, praise and greetings.
const SUBSTANCE: usize = 4;

const THANKS: &[&str] = &[
    "thanks",
    "thank",
    "thx",
    "ty",
    "appreciate",
    "appreciated",
    "grateful",
    "kudos",
    "cheers",
];
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "greetings",
    "regards",
    "best",
    "kind",
    "there",
    "all",
    "everyone",
    "folks",
    "guys",
    "sir",
    "morning",
    "afternoon",
    "evening",
];
const PRAISE: &[&str] = &[
    "great",
    "nice",
    "good",
    "awesome",
    "helpful",
    "useful",
    "excellent",
    "cool",
    "wonderful",
    "brilliant",
    "amazing",
    "perfect",
    "post",
    "article",
    "tip",
    "tips",
    "blog",
    "write",
    "writeup",
    "info",
    "information",
    "job",
    "work",
    "well",
    "done",
    "keep",
    "sharing",
    "share",
    "+1",
];
/// Words that carry no subject of their own.
const FILLER: &[&str] = &[
    "a", "an", "the", "this", "that", "it", "is", "was", "so", "very", "much", "really", "for",
    "you", "your", "me", "my", "i", "we", "our", "to", "of", "and", "a", "lot", "up", "man",
    "again", "just", "in", "on", "with", "too", "u", "1",
];

/// A comment that becomes no caveat, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub comment: String,
    pub author: String,
    pub reason: String,
}

/// A thread with something to act on, ready to become a candidate caveat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The top-level comment's id.
    pub comment: String,
    pub author: String,
    /// YYYY-MM-DD of the top-level comment.
    pub date: Option<String>,
    /// Markdown: the comment, then "Reply from AUTHOR: …" for each reply kept.
    pub text: String,
    /// The same as plain text, for suggesting a step and a severity.
    pub plain: String,
    pub replies: usize,
    pub notes: BTreeSet<String>,
}

/// The threads of a post's comments, and the comments that make no caveat.
pub fn candidates(comments: &[Comment]) -> (Vec<Candidate>, Vec<Skipped>) {
    let mut skipped = Vec::new();
    let kept: Vec<&Comment> = comments
        .iter()
        .filter(|c| match why_not_a_comment(c) {
            Some(reason) => {
                skipped.push(skip(c, reason));
                false
            }
            None => true,
        })
        .collect();
    let mut candidates = Vec::new();
    for (root, replies) in threads(&kept) {
        match candidate(root, &replies, &mut skipped) {
            Ok(c) => candidates.push(c),
            Err(reason) => {
                skipped.push(skip(root, reason));
                for r in replies {
                    skipped.push(skip(r, "a reply in a thread with nothing to act on".into()));
                }
            }
        }
    }
    skipped.sort_by_key(|s| id_number(&s.comment));
    (candidates, skipped)
}

fn skip(c: &Comment, reason: String) -> Skipped {
    Skipped {
        comment: c.id.clone(),
        author: author_of(c),
        reason,
    }
}

fn author_of(c: &Comment) -> String {
    let name = html::plain_text(&c.author);
    if name.is_empty() {
        "Anonymous".into()
    } else {
        name
    }
}

fn id_number(id: &str) -> (u64, String) {
    (id.parse().unwrap_or(u64::MAX), id.to_string())
}

/// Why an exported comment is no reader's comment to keep, if it is not.
fn why_not_a_comment(c: &Comment) -> Option<String> {
    match c.comment_type.as_str() {
        "" | "comment" => {}
        "pingback" => return Some("a pingback".into()),
        "trackback" => return Some("a trackback".into()),
        other => return Some(format!("a comment of type `{other}`")),
    }
    match c.approved.as_str() {
        "1" | "approve" | "approved" => None,
        "spam" => Some("spam".into()),
        "trash" | "post-trashed" => Some("in the trash".into()),
        "0" | "hold" | "" => Some("not approved".into()),
        other => Some(format!("not approved (`{other}`)")),
    }
}

/// Top-level comments with their replies, both in date order.
fn threads<'a>(kept: &[&'a Comment]) -> Vec<(&'a Comment, Vec<&'a Comment>)> {
    let mut ordered: Vec<&Comment> = kept.to_vec();
    ordered.sort_by(|a, b| {
        (a.date.as_str(), id_number(&a.id)).cmp(&(b.date.as_str(), id_number(&b.id)))
    });
    let ids: HashMap<&str, &Comment> = ordered.iter().map(|c| (c.id.as_str(), *c)).collect();
    let names: Vec<String> = ordered
        .iter()
        .map(|c| author_of(c).to_lowercase())
        .collect();
    let mut root_of: HashMap<&str, &str> = HashMap::new();
    let mut roots: Vec<&Comment> = Vec::new();
    let mut replies: HashMap<&str, Vec<&Comment>> = HashMap::new();
    for (i, c) in ordered.iter().enumerate() {
        let parent = ids
            .get(c.parent.as_str())
            .filter(|p| p.id != c.id)
            .map(|p| p.id.as_str())
            .or_else(|| addressed_to(c, &ordered[..i], &names[..i]));
        // A parent that comes later (a loop, or a clock gone wrong) starts no thread here.
        let root = parent.and_then(|p| root_of.get(p).copied());
        match root {
            Some(root) => {
                root_of.insert(&c.id, root);
                replies.entry(root).or_default().push(c);
            }
            None => {
                root_of.insert(&c.id, &c.id);
                roots.push(c);
            }
        }
    }
    roots
        .into_iter()
        .map(|r| (r, replies.remove(r.id.as_str()).unwrap_or_default()))
        .collect()
}

/// The earlier comment whose author a top-level `@Name …` comment answers: the latest
/// by the longest name that the text starts with. `names` are the earlier comments'
/// authors in lowercase, made once per post (a post may have thousands of comments).
fn addressed_to<'a>(c: &Comment, earlier: &[&'a Comment], names: &[String]) -> Option<&'a str> {
    if !c.content.contains('@') {
        return None;
    }
    let text = html::plain_text(&c.content);
    let rest = text.strip_prefix('@')?.to_lowercase();
    let mut best: Option<(usize, &'a Comment)> = None;
    for (e, name) in earlier.iter().zip(names).rev() {
        let longer = best.is_none_or(|(len, _)| name.len() > len);
        if !name.is_empty() && longer && rest.starts_with(name.as_str()) {
            best = Some((name.len(), e));
        }
    }
    best.map(|(_, e)| e.id.as_str())
}

/// The candidate of a thread, or why the thread has nothing to act on.
fn candidate(
    root: &Comment,
    replies: &[&Comment],
    skipped: &mut Vec<Skipped>,
) -> Result<Candidate, String> {
    let mut notes = BTreeSet::new();
    let root_text = comment_markdown(root, &mut notes);
    let root_plain = plain(&root_text);
    let names: Vec<String> = std::iter::once(root)
        .chain(replies.iter().copied())
        .map(author_of)
        .collect();
    let mut kept_replies: Vec<(String, String)> = Vec::new();
    let mut reply_plain = String::new();
    for reply in replies {
        let text = strip_address(&comment_markdown(reply, &mut notes), &names);
        let p = plain(&text);
        match nothing_to_act_on(&p) {
            Some(reason) => skipped.push(skip(reply, format!("a reply with {reason}"))),
            None => {
                reply_plain.push_str(&p);
                reply_plain.push(' ');
                kept_replies.push((author_of(reply), text));
            }
        }
    }
    if let Some(reason) = nothing_to_act_on(&root_plain) {
        if kept_replies.is_empty() {
            return Err(reason);
        }
    }
    let mut text = root_text;
    for (author, reply) in &kept_replies {
        text.push_str(&format!("\n\nReply from {}: {reply}", escape_text(author)));
    }
    Ok(Candidate {
        comment: root.id.clone(),
        author: author_of(root),
        date: date_of(&root.date),
        plain: format!("{root_plain} {reply_plain}").trim().to_string(),
        text,
        replies: kept_replies.len(),
        notes,
    })
}

fn comment_markdown(c: &Comment, notes: &mut BTreeSet<String>) -> String {
    let converted = html::convert(&c.content, Purpose::Comment);
    notes.extend(converted.notes);
    converted
        .blocks
        .iter()
        .map(|b| {
            let (md, n) = sanitize(&b.markdown);
            notes.extend(n);
            // A line break as `\` rather than two trailing spaces, which YAML cannot
            // keep in a block scalar: the caveat stays readable in the front matter.
            if b.kind == html::BlockKind::Paragraph {
                md.replace("  \n", "\\\n")
            } else {
                md
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A reply's "@Name –" opening, which "Reply from" makes redundant.
fn strip_address(text: &str, names: &[String]) -> String {
    let Some(rest) = text.strip_prefix('@') else {
        return text.to_string();
    };
    for name in names {
        if rest.to_lowercase().starts_with(&name.to_lowercase())
            && rest.is_char_boundary(name.len())
        {
            let after = rest[name.len()..].trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ':' | '-' | '–' | '—')
            });
            if !after.is_empty() {
                return after.to_string();
            }
        }
    }
    text.to_string()
}

/// Plain text of converted comment markdown.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => out.push_str(&t),
            pulldown_cmark::Event::SoftBreak
            | pulldown_cmark::Event::HardBreak
            | pulldown_cmark::Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    crate::whitespace::collapse(&out)
}

/// Why a comment's text has nothing to act on, if it has not.
pub fn nothing_to_act_on(text: &str) -> Option<String> {
    let words = tokenize(text);
    let is = |list: &[&str], w: &str| list.contains(&w);
    let substance = words
        .iter()
        .filter(|w| !is(THANKS, w) && !is(GREETINGS, w) && !is(PRAISE, w) && !is(FILLER, w))
        .count();
    if substance >= SUBSTANCE {
        return None;
    }
    let any = |list: &[&str]| words.iter().any(|w| is(list, w));
    Some(if words.is_empty() {
        "no text".into()
    } else if any(THANKS) {
        "only thanks".into()
    } else if any(PRAISE) {
        "only praise".into()
    } else if any(GREETINGS) {
        "only a greeting".into()
    } else {
        format!("only a few words ({})", words.len())
    })
}

/// `2013-06-14 09:12:00` → `2013-06-14`.
pub fn date_of(wp_date: &str) -> Option<String> {
    let day = wp_date.get(..10)?;
    (crate::source::frontmatter::is_iso_date(day) && !day.starts_with("0000"))
        .then(|| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, parent: &str, author: &str, content: &str) -> Comment {
        Comment {
            id: id.into(),
            author: author.into(),
            date: format!("2013-06-{:02} 10:00:00", id.parse::<u32>().unwrap_or(1)),
            content: content.into(),
            approved: "1".into(),
            comment_type: String::new(),
            parent: parent.into(),
        }
    }

    #[test]
    fn threads_with_replies_and_addressed_comments() {
        let comments = vec![
            c(
                "1",
                "0",
                "David W.",
                "You are partner of record on the license subscription, not the tenant.",
            ),
            c(
                "2",
                "1",
                "Steve",
                "I suspected this but my trials have one subscription. Thanks for the comment!",
            ),
            c(
                "3",
                "0",
                "FCrespo",
                "The edit link to change the partner is missing on a customer tenant. Why?",
            ),
            c(
                "4",
                "0",
                "Steve",
                "@FCrespo – Tenants created by a syndicator cannot change their partner.",
            ),
            c("5", "0", "Ann", "Thanks, great post!"),
            Comment {
                approved: "spam".into(),
                ..c("6", "0", "Spammer", "cheap pills here for you today")
            },
            Comment {
                comment_type: "pingback".into(),
                ..c("7", "0", "Other blog", "linked")
            },
            Comment {
                approved: "0".into(),
                ..c("8", "0", "Wait", "a pending comment with words")
            },
            c("9", "3", "Bea", "Thank you!"),
        ];
        let (candidates, skipped) = candidates(&comments);
        assert_eq!(candidates.len(), 2);
        assert_eq!(
            candidates[0].text,
            "You are partner of record on the license subscription, not the tenant.\n\nReply from Steve: I suspected this but my trials have one subscription. Thanks for the comment!"
        );
        assert_eq!(
            candidates[1].text,
            "The edit link to change the partner is missing on a customer tenant. Why?\n\nReply from Steve: Tenants created by a syndicator cannot change their partner."
        );
        assert_eq!(candidates[1].date.as_deref(), Some("2013-06-03"));
        let reasons: Vec<(&str, &str)> = skipped
            .iter()
            .map(|s| (s.comment.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("5", "only thanks"),
                ("6", "spam"),
                ("7", "a pingback"),
                ("8", "not approved"),
                ("9", "a reply with only thanks"),
            ]
        );
    }

    #[test]
    fn nothing_to_act_on_reasons() {
        assert_eq!(
            nothing_to_act_on("Hi there!").as_deref(),
            Some("only a greeting")
        );
        assert_eq!(
            nothing_to_act_on("Great article, very helpful").as_deref(),
            Some("only praise")
        );
        assert_eq!(
            nothing_to_act_on("me too").as_deref(),
            Some("only a few words (2)")
        );
        assert_eq!(
            nothing_to_act_on("The partner ID is not recognized after renewal"),
            None
        );
    }

    #[test]
    fn a_reply_to_a_skipped_comment_starts_its_own_thread() {
        let comments = vec![
            Comment {
                approved: "spam".into(),
                ..c("1", "0", "S", "spam spam spam spam spam")
            },
            c(
                "2",
                "1",
                "R",
                "The subscription page shows no partner field for trial tenants.",
            ),
        ];
        let (candidates, _) = candidates(&comments);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].comment, "2");
    }
}
