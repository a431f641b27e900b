//! Numbered paragraphs → a numbered list, and the alternatives of one step (`1a)`,
//! `1b)`) → a `::: variant` group when each names a console of site.toml.
//!
//! Blog posts write steps as paragraphs that start with `1)`, `1.` or `Step 1:`, each
//! followed by its screenshot. A run of such paragraphs numbered 1, 2, 3, … (at
//! least two steps) becomes one ordered list; whatever sits between two steps
//! (screenshots, notes, code) moves into the step before it, and after the last step
//! only screenshots, lists, tables and code follow it in: the first plain paragraph
//! or heading ends the list.
//!
//! Alternatives: paragraphs `Na)`, `Nb)`, … (and no plain `N)`) are the ways of doing
//! step N in different consoles. When each names a different console, they become one
//! `::: variant` block each, and the list goes on after the group from N+1. Otherwise
//! they stay exactly as written and the outcome says why. Lettered paragraphs after a
//! plain `N)` are sub-steps and stay as written inside step N.

use super::consoles::Consoles;
use super::html::{Block, BlockKind};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\*\*|__)?((?i:step)\s+)?(\d{1,2})([a-z])?(\*\*|__)?(\\?\.|\)|:|\s+[-–—])(\*\*|__)?[ \t]+",
    )
    .expect("valid regex")
});

/// The number written at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub number: u32,
    /// `a` in `1a)`.
    pub letter: Option<char>,
    /// The paragraph without its number (emphasis around the number dropped with it).
    pub rest: String,
}

/// Reads `1) `, `1. `, `Step 1: `, `**Step 1.** `, `2b) ` at the start of a paragraph.
pub fn marker(markdown: &str) -> Option<Marker> {
    let c = MARKER.captures(markdown)?;
    let open = c.get(1).map(|m| m.as_str());
    let is_step_word = c.get(2).is_some();
    let number: u32 = c[3].parse().ok().filter(|n| (1..=99).contains(n))?;
    let letter = c.get(4).and_then(|m| m.as_str().chars().next());
    let delimiter = &c[6];
    if !is_step_word && !matches!(delimiter, "." | "\\." | ")") {
        return None;
    }
    let close = c.get(5).or_else(|| c.get(7)).map(|m| m.as_str());
    if c.get(5).is_some() && c.get(7).is_some() {
        return None;
    }
    let after = &markdown[c.get(0)?.end()..];
    let rest = match (open, close) {
        (None, None) => after.to_string(),
        (Some(o), Some(cl)) if o == cl => after.to_string(),
        // `**1) Select Licensing**`: the emphasis goes on after the number.
        (Some(o), None) => format!("{o}{after}"),
        _ => return None,
    };
    Some(Marker {
        number,
        letter,
        rest,
    })
}

/// What the conversion did, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StepsOutcome {
    /// List items made from numbered paragraphs (a variant group counts once).
    pub steps: usize,
    pub variant_groups: Vec<VariantGroup>,
    pub kept_as_written: Vec<KeptAlternatives>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantGroup {
    pub step: u32,
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptAlternatives {
    pub step: u32,
    pub reason: String,
}

/// One numbered paragraph and the blocks that belong to it.
struct Entry<'a> {
    marker: Marker,
    first: &'a Block,
    more: Vec<&'a Block>,
}

/// The blocks as markdown, steps made lists where they can be.
pub fn assemble(blocks: &[Block], consoles: &Consoles) -> (String, StepsOutcome) {
    let mut chunks: Vec<String> = Vec::new();
    let mut outcome = StepsOutcome::default();
    let mut i = 0;
    while i < blocks.len() {
        match run_at(blocks, i) {
            Some((entries, end)) => {
                write_run(&entries, consoles, &mut chunks, &mut outcome);
                i = end;
            }
            None => {
                chunks.push(blocks[i].markdown.clone());
                i += 1;
            }
        }
    }
    (chunks.join("\n\n"), outcome)
}

fn marker_of(block: &Block) -> Option<Marker> {
    (block.kind == BlockKind::Paragraph)
        .then(|| marker(&block.markdown))
        .flatten()
}

/// A run of numbered paragraphs starting with step 1 at `start`, and where it ends.
fn run_at(blocks: &[Block], start: usize) -> Option<(Vec<Entry<'_>>, usize)> {
    let first = marker_of(&blocks[start]).filter(|m| m.number == 1)?;
    let mut entries = vec![Entry {
        marker: first,
        first: &blocks[start],
        more: Vec::new(),
    }];
    let mut i = start + 1;
    while i < blocks.len() {
        let block = &blocks[i];
        if block.kind == BlockKind::Heading {
            break;
        }
        if let Some(m) = marker_of(block) {
            let last = &entries[entries.len() - 1].marker;
            let same_step_letter = m.number == last.number && m.letter.is_some();
            if m.number == last.number + 1 || same_step_letter {
                entries.push(Entry {
                    marker: m,
                    first: block,
                    more: Vec::new(),
                });
                i += 1;
                continue;
            }
            break;
        }
        let last = entries.len() - 1;
        entries[last].more.push(block);
        i += 1;
    }
    // After the last step only screenshots, lists, tables and code belong to it.
    let last = entries.len() - 1;
    let keep = entries[last]
        .more
        .iter()
        .take_while(|b| matches!(b.kind, BlockKind::Image | BlockKind::Other))
        .count();
    let given_back = entries[last].more.len() - keep;
    entries[last].more.truncate(keep);
    let distinct = entries.last().map(|e| e.marker.number).unwrap_or(0);
    (distinct >= 2).then_some((entries, i - given_back))
}

fn write_run(
    entries: &[Entry],
    consoles: &Consoles,
    chunks: &mut Vec<String>,
    outcome: &mut StepsOutcome,
) {
    let mut i = 0;
    while i < entries.len() {
        let number = entries[i].marker.number;
        let end = entries[i..]
            .iter()
            .position(|e| e.marker.number != number)
            .map_or(entries.len(), |p| i + p);
        let step = &entries[i..end];
        i = end;
        if step[0].marker.letter.is_none() {
            // A plain step; lettered paragraphs after it are its sub-steps, as written.
            let mut more: Vec<&Block> = step[0].more.clone();
            for sub in &step[1..] {
                more.push(sub.first);
                more.extend(sub.more.iter().copied());
            }
            chunks.push(item(number, &step[0].marker.rest, &more));
            outcome.steps += 1;
            continue;
        }
        match variants_of(step, consoles) {
            Ok(ids) => {
                let blocks: Vec<String> = step
                    .iter()
                    .zip(&ids)
                    .map(|(alt, id)| {
                        format!(
                            "::: variant {id}\n{}\n:::",
                            item(number, &alt.marker.rest, &alt.more)
                        )
                    })
                    .collect();
                chunks.push(blocks.join("\n\n"));
                outcome.steps += 1;
                outcome.variant_groups.push(VariantGroup {
                    step: number,
                    variants: ids,
                });
            }
            Err(reason) => {
                for alt in step {
                    chunks.push(alt.first.markdown.clone());
                    chunks.extend(alt.more.iter().map(|b| b.markdown.clone()));
                }
                outcome.kept_as_written.push(KeptAlternatives {
                    step: number,
                    reason,
                });
            }
        }
    }
}

/// The console each alternative names, or why they stay as written.
fn variants_of(step: &[Entry], consoles: &Consoles) -> Result<Vec<String>, String> {
    let number = step[0].marker.number;
    let label = |e: &Entry| format!("{number}{})", e.marker.letter.unwrap_or('?'));
    if consoles.is_empty() {
        return Err("site.toml declares no console variants".into());
    }
    if step.len() < 2 {
        return Err(format!("{} has no other alternative", label(&step[0])));
    }
    let in_order = step
        .iter()
        .zip('a'..='z')
        .all(|(e, expected)| e.marker.letter == Some(expected));
    if !in_order {
        return Err("the alternatives are not lettered a, b, c, … in order".into());
    }
    let mut ids: Vec<String> = Vec::new();
    for alt in step {
        let Some(id) = consoles.named_in(&alt.marker.rest) else {
            return Err(format!("{} names no console of site.toml", label(alt)));
        };
        if ids.iter().any(|i| i == id) {
            return Err(format!("two alternatives name the console `{id}`"));
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

/// `N. first`, with the other blocks indented under it.
fn item(number: u32, first: &str, more: &[&Block]) -> String {
    let prefix = format!("{number}. ");
    let pad = " ".repeat(prefix.len());
    let mut parts: Vec<String> = Vec::new();
    let mut blocks = more.iter().map(|b| b.markdown.as_str());
    let first = if first.trim().is_empty() {
        blocks.next().unwrap_or("")
    } else {
        first
    };
    parts.push(format!(
        "{prefix}{}",
        indent(&escape_block_start(first), &pad, false)
    ));
    parts.extend(blocks.map(|b| indent(b, &pad, true)));
    parts.join("\n\n")
}

fn indent(text: &str, pad: &str, first_too: bool) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| {
            if line.is_empty() || (i == 0 && !first_too) {
                line.to_string()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text after a step's number that would start a heading, quote or list inside the
/// item (`1) # of seats` → `1. # of seats`) gets its first character escaped.
fn escape_block_start(text: &str) -> String {
    static BLOCK_START: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(#|>|[-+*][ \t]|\d{1,9}[.)][ \t])").expect("valid regex"));
    if BLOCK_START.is_match(text) {
        format!("\\{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(md: &str) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            markdown: md.into(),
        }
    }
    fn img(md: &str) -> Block {
        Block {
            kind: BlockKind::Image,
            markdown: md.into(),
        }
    }
    fn consoles() -> Consoles {
        Consoles::new(&[
            (
                "small-business".into(),
                "Small Business admin console".into(),
            ),
            (
                "enterprise".into(),
                "Midsized Business and Enterprise admin console".into(),
            ),
        ])
    }

    #[test]
    fn markers() {
        let m = |s: &str| marker(s).map(|m| (m.number, m.letter, m.rest));
        assert_eq!(m("1) Select"), Some((1, None, "Select".into())));
        assert_eq!(m("2\\. Select"), Some((2, None, "Select".into())));
        assert_eq!(m("Step 3: Select"), Some((3, None, "Select".into())));
        assert_eq!(m("**Step 3.** Select"), Some((3, None, "Select".into())));
        assert_eq!(m("**Step 3**: Select"), Some((3, None, "Select".into())));
        assert_eq!(
            m("**1) Select it**"),
            Some((1, None, "**Select it**".into()))
        );
        assert_eq!(m("1b) From the"), Some((1, Some('b'), "From the".into())));
        assert_eq!(m("step 4 - Click"), Some((4, None, "Click".into())));
        for not in [
            "2013\\. was a year",
            "1: nope",
            "1)no space",
            "0) zero",
            "1.5 GB",
            "Stepping 1) x",
        ] {
            assert_eq!(marker(not), None, "{not}");
        }
    }

    #[test]
    fn numbered_paragraphs_become_a_list_with_screenshots_inside() {
        let blocks = vec![
            p("Intro"),
            p("1) First"),
            img("![a](a.png)"),
            p("A note between steps."),
            p("2) Second"),
            img("![b](b.png)"),
            p("Signed, Steve"),
        ];
        let (md, outcome) = assemble(&blocks, &consoles());
        assert_eq!(
            md,
            "Intro\n\n1. First\n\n   ![a](a.png)\n\n   A note between steps.\n\n2. Second\n\n   ![b](b.png)\n\nSigned, Steve"
        );
        assert_eq!(outcome.steps, 2);
    }

    #[test]
    fn alternatives_naming_consoles_become_a_variant_group() {
        let blocks = vec![
            p("1a) From the Small Business console, select **Manage**:"),
            img("![sb](sb.png)"),
            p("1b) From the Midsized Business or Enterprise console, select **Licensing**:"),
            img("![ent](ent.png)"),
            p("2) Select a subscription"),
        ];
        let (md, outcome) = assemble(&blocks, &consoles());
        assert_eq!(
            md,
            "::: variant small-business\n1. From the Small Business console, select **Manage**:\n\n   ![sb](sb.png)\n:::\n\n::: variant enterprise\n1. From the Midsized Business or Enterprise console, select **Licensing**:\n\n   ![ent](ent.png)\n:::\n\n2. Select a subscription"
        );
        assert_eq!(
            outcome.variant_groups,
            vec![VariantGroup {
                step: 1,
                variants: vec!["small-business".into(), "enterprise".into()]
            }]
        );
    }

    #[test]
    fn alternatives_without_consoles_stay_as_written() {
        let blocks = vec![
            p("1a) Click the blue button"),
            p("1b) Or press Enter"),
            p("2) Wait"),
            p("3) Done"),
        ];
        let (md, outcome) = assemble(&blocks, &consoles());
        assert_eq!(
            md,
            "1a) Click the blue button\n\n1b) Or press Enter\n\n2. Wait\n\n3. Done"
        );
        assert_eq!(
            outcome.kept_as_written[0].reason,
            "1a) names no console of site.toml"
        );
        let (_, outcome) = assemble(&blocks, &Consoles::new(&[]));
        assert_eq!(
            outcome.kept_as_written[0].reason,
            "site.toml declares no console variants"
        );
    }

    #[test]
    fn lettered_paragraphs_after_a_plain_step_are_sub_steps() {
        let blocks = vec![p("1) Open it"), p("1a) then this"), p("2) Close it")];
        let (md, _) = assemble(&blocks, &consoles());
        assert_eq!(md, "1. Open it\n\n   1a) then this\n\n2. Close it");
    }

    #[test]
    fn a_lone_numbered_paragraph_stays_as_written() {
        let blocks = vec![p("1) Only one"), p("text"), p("3) not two")];
        let (md, outcome) = assemble(&blocks, &consoles());
        assert_eq!(md, "1) Only one\n\ntext\n\n3) not two");
        assert_eq!(outcome.steps, 0);
    }

    #[test]
    fn text_after_the_number_that_would_start_a_block_is_escaped() {
        let blocks = vec![p("1) # of seats"), p("2) - dash")];
        let (md, _) = assemble(&blocks, &consoles());
        assert_eq!(md, "1. \\# of seats\n\n2. \\- dash");
    }
}
