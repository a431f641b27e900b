//! A guide page's two big parts, its content and its written sidebar, kept out of
//! tera while every template is the default one: tera renders the page with a short
//! placeholder for each, and the parts are then written straight into the page. Its
//! contents list and the version switcher's links too, whose tera loops cost a
//! lookup per field of each entry.
//!
//! Tera copies a string value several times on its way to the page (serialized into
//! the context, escaped when a template only tests whether it is there, pushed into
//! a growing buffer), and the two parts are most of a page's bytes. The default
//! templates show each once, with `| safe`, so the page is the same byte for byte.
//! A theme of the site's own gets the parts themselves, since it may do anything
//! with them (a filter, a length).

/// What the page's written sidebar (`nav_html`) is while tera renders the page.
pub(super) const NAV: &str = "\0guidepost-splice:nav\0";
/// What the page's content (`page.content`) is while tera renders the page.
pub(super) const CONTENT: &str = "\0guidepost-splice:content\0";
/// What the entries of the page's contents list (`toc_html`) are while tera renders
/// the page (`toc::write_toc`).
pub(super) const TOC: &str = "\0guidepost-splice:toc\0";
/// What the links of the version switcher (`version_links_html`) are while tera
/// renders the page (`switcher::write_links`).
pub(super) const VERSION_LINKS: &str = "\0guidepost-splice:versions\0";

/// A part of a page: its placeholder and what writes it.
pub(super) type Part<'a> = (&'static str, &'a mut dyn FnMut(&mut String));

/// `page` (what tera rendered) with each part's placeholder replaced by what the part
/// writes, or None unless each placeholder is in it exactly once. A value of the
/// site's own holding a placeholder's text (it cannot come from markdown, which
/// never passes U+0000 on) then gives None, and the page is rendered the slow way
/// rather than spliced at the wrong place. `extra`: about what the parts will write,
/// so that the page is made in one allocation.
pub(super) fn splice(page: &str, extra: usize, parts: &mut [Part<'_>]) -> Option<String> {
    let names: Vec<&str> = parts.iter().map(|(name, _)| *name).collect();
    let order = places(page, &names)?;
    let mut out = String::with_capacity(page.len() + extra);
    let mut from = 0;
    for (at, i) in order {
        out.push_str(&page[from..at]);
        let (text, write) = &mut parts[i];
        write(&mut out);
        from = at + text.len();
    }
    out.push_str(&page[from..]);
    Some(out)
}

/// Whether `splice` would splice `page` with parts of these placeholders.
pub(super) fn fits(page: &str, placeholders: &[&str]) -> bool {
    places(page, placeholders).is_some()
}

/// Where each placeholder is in `page`, in page order, as (byte offset, index in
/// `placeholders`); None unless each is there exactly once.
fn places(page: &str, placeholders: &[&str]) -> Option<Vec<(usize, usize)>> {
    let mut places: Vec<Option<usize>> = vec![None; placeholders.len()];
    let mut from = 0;
    while let Some(found) = page[from..].find('\0') {
        let at = from + found;
        let tail = &page[at..];
        match placeholders.iter().position(|text| tail.starts_with(text)) {
            Some(i) => {
                if places[i].replace(at).is_some() {
                    return None;
                }
                from = at + placeholders[i].len();
            }
            None => from = at + 1,
        }
    }
    let mut order: Vec<(usize, usize)> = places
        .iter()
        .enumerate()
        .map(|(i, at)| at.map(|at| (at, i)))
        .collect::<Option<_>>()?;
    order.sort_unstable();
    Some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spliced(page: &str, with_nav: bool) -> Option<String> {
        let mut content = |out: &mut String| out.push_str("<p>content</p>");
        let mut nav = |out: &mut String| out.push_str("<ul>nav</ul>");
        let mut parts: Vec<Part> = vec![(CONTENT, &mut content)];
        if with_nav {
            parts.push((NAV, &mut nav));
        }
        splice(page, 0, &mut parts)
    }

    #[test]
    fn each_placeholder_is_replaced_by_its_part_in_the_page_order() {
        let page = format!("<nav>{NAV}</nav>\0x<main>{CONTENT}</main>\0");
        assert_eq!(
            spliced(&page, true).as_deref(),
            Some("<nav><ul>nav</ul></nav>\0x<main><p>content</p></main>\0")
        );
        let page = format!("<main>{CONTENT}</main>");
        assert_eq!(
            spliced(&page, false).as_deref(),
            Some("<main><p>content</p></main>")
        );
    }

    #[test]
    fn a_placeholder_missing_or_twice_gives_none() {
        assert_eq!(spliced("<main></main>", false), None);
        assert_eq!(spliced(&format!("<main>{CONTENT}</main>"), true), None);
        let twice = format!("<title>{CONTENT}</title><main>{CONTENT}</main>");
        assert_eq!(spliced(&twice, false), None);
        // A title that holds both placeholders run together still counts as one each.
        let run_together = format!("<title>{NAV}{CONTENT}</title>{NAV}<main>{CONTENT}</main>");
        assert_eq!(spliced(&run_together, true), None);
        let overlapping = "\0guidepost-splice:nav\0guidepost-splice:content\0";
        let page = format!("<title>{overlapping}</title>{NAV}<main>{CONTENT}</main>");
        assert_eq!(spliced(&page, true), None);
    }
}
