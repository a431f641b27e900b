//! Reading a WordPress export (WXR: RSS 2.0 with the `wp:`, `content:`, `excerpt:` and
//! `dc:` elements of Tools → Export) into plain data. Only what the importer uses is
//! kept. A file that is not well-formed XML, that ends before its last element is
//! closed, or that is not a WXR export at all is an error at its line and column.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// The parts of an export the importer uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    /// The blog's address (`wp:base_blog_url`, else the channel's `link`), used to make
    /// root-relative image URLs absolute.
    pub blog_url: String,
    /// `wp:base_site_url`, where `/wp-content/uploads/` lives on a multisite.
    pub site_url: String,
    pub items: Vec<Item>,
}

/// One `<item>`: a post, a page, an attachment, a menu item, ….
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// The line of its `<item>` tag, for the report.
    pub line: usize,
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    /// `wp:post_date`: `2013-05-02 10:14:00` in the blog's time zone.
    pub date: String,
    /// `pubDate`: RFC 822, the fallback when `wp:post_date` is empty.
    pub pub_date: String,
    pub post_id: String,
    /// `post`, `page`, `attachment`, `nav_menu_item`, …
    pub post_type: String,
    /// `publish`, `draft`, `pending`, `private`, `future`, `trash`, `inherit`
    pub status: String,
    /// The slug, percent-encoded when it is not ASCII.
    pub post_name: String,
    pub post_parent: String,
    /// `content:encoded`: the body's HTML.
    pub content: String,
    /// `excerpt:encoded`
    pub excerpt: String,
    pub attachment_url: String,
    pub terms: Vec<Term>,
    pub comments: Vec<Comment>,
}

/// A `<category domain="category|post_tag" nicename="…">Name</category>` of an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

/// One `<wp:comment>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    pub id: String,
    pub author: String,
    /// `2013-06-14 09:12:00`
    pub date: String,
    /// The comment's HTML (WordPress keeps line breaks, not paragraphs).
    pub content: String,
    /// `1` approved, `0` waiting, `spam`, `trash`.
    pub approved: String,
    /// `""` or `comment` for a comment; `pingback`, `trackback`, …
    pub comment_type: String,
    /// The id of the comment it answers; `0` or empty for none.
    pub parent: String,
}

/// A place in the export where reading failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    pub line: usize,
    /// Counted in characters.
    pub column: usize,
    pub message: String,
}

/// Reads an export from its bytes (UTF-8, as WordPress writes it).
pub fn parse(bytes: &[u8]) -> Result<Export, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let (line, column) = place(std::str::from_utf8(valid).unwrap_or(""), valid.len());
        ExportError {
            line,
            column,
            message: "the export is not valid UTF-8".into(),
        }
    })?;
    Parser::new(text).run()
}

/// 1-based line and column (in characters) of a byte offset of `text`.
pub fn place(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Where a value read from an element goes.
enum Target {
    Channel,
    Item,
    Comment,
}

struct Parser<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Qualified names of the open elements, outermost first.
    open: Vec<String>,
    /// The text of the element being read (text, CDATA and references together).
    value: String,
    export: Export,
    item: Option<Item>,
    comment: Option<Comment>,
    term: Option<Term>,
    /// Whether the channel says it is a WXR export (`wp:wxr_version`).
    is_wxr: bool,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Parser {
            text,
            reader,
            open: Vec::new(),
            value: String::new(),
            export: Export::default(),
            item: None,
            comment: None,
            term: None,
            is_wxr: false,
        }
    }

    fn error_at(&self, offset: u64, message: impl Into<String>) -> ExportError {
        let (line, column) = place(self.text, usize::try_from(offset).unwrap_or(usize::MAX));
        ExportError {
            line,
            column,
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<Export, ExportError> {
        loop {
            let before = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let at = self.reader.error_position();
                    return Err(
                        self.error_at(at, format!("the export is not well-formed XML: {e}"))
                    );
                }
            };
            match event {
                Event::Start(start) => self.start(&start, before, false)?,
                Event::Empty(start) => self.start(&start, before, true)?,
                Event::End(_) => self.end(),
                Event::Text(t) => self.value.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
                Event::CData(t) => self.value.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
                Event::GeneralRef(r) => {
                    let resolved = resolve_reference(&r).ok_or_else(|| {
                        self.error_at(before, format!("unknown entity `&{};`", &*r))
                    })?;
                    self.value.push_str(&resolved);
                }
                Event::Eof => return self.finish(),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    fn finish(self) -> Result<Export, ExportError> {
        if let Some(open) = self.open.last() {
            let end = self.text.len() as u64;
            return Err(self.error_at(
                end,
                format!("the export ends inside <{open}>: the file is cut short (an interrupted download or copy?)"),
            ));
        }
        if self.export.items.is_empty() && !self.is_wxr && self.text.trim().is_empty() {
            return Err(self.error_at(0, "the export is empty"));
        }
        if !self.is_wxr {
            return Err(self.error_at(0, "this is not a WordPress export: its channel has no <wp:wxr_version> (use Tools → Export in WordPress)"));
        }
        Ok(self.export)
    }

    fn start(&mut self, start: &BytesStart, offset: u64, empty: bool) -> Result<(), ExportError> {
        let name = start.name().as_ref().to_string();
        if self.open.is_empty() && name != "rss" {
            return Err(self.error_at(
                offset,
                format!("this is not a WordPress export: its root element is <{name}>, not <rss>"),
            ));
        }
        self.value.clear();
        match name.as_str() {
            "item" if self.parent_is("channel") => {
                let (line, _) = place(self.text, offset as usize);
                self.item = Some(Item {
                    line,
                    ..Item::default()
                });
            }
            "wp:comment" if self.item.is_some() => self.comment = Some(Comment::default()),
            "category" if self.item.is_some() && self.comment.is_none() => {
                self.term = Some(Term {
                    domain: self.attribute(start, "domain", offset)?,
                    nicename: self.attribute(start, "nicename", offset)?,
                    name: String::new(),
                });
            }
            _ => {}
        }
        if empty {
            // `<wp:post_name/>` is an element with empty text: close it at once.
            self.open.push(name);
            self.end();
        } else {
            self.open.push(name);
        }
        Ok(())
    }

    fn attribute(
        &self,
        start: &BytesStart,
        name: &str,
        offset: u64,
    ) -> Result<String, ExportError> {
        let bad = |e: &dyn std::fmt::Display| {
            self.error_at(offset, format!("bad attribute `{name}`: {e}"))
        };
        match start.try_get_attribute(name) {
            Ok(Some(a)) => a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .map_err(|e| bad(&e)),
            Ok(None) => Ok(String::new()),
            Err(e) => Err(bad(&e)),
        }
    }

    fn parent_is(&self, name: &str) -> bool {
        self.open.last().is_some_and(|n| n == name)
    }

    /// The record the element just closed belongs to, from the elements around it.
    fn target(&self) -> Option<Target> {
        let n = self.open.len();
        let parent = self.open.get(n.checked_sub(2)?)?;
        match parent.as_str() {
            "channel" => Some(Target::Channel),
            "item" if self.item.is_some() => Some(Target::Item),
            "wp:comment" if self.comment.is_some() => Some(Target::Comment),
            _ => None,
        }
    }

    fn end(&mut self) {
        let value = std::mem::take(&mut self.value);
        let target = self.target();
        let Some(name) = self.open.pop() else {
            return;
        };
        match (target, name.as_str()) {
            (Some(Target::Channel), "item") => {
                if let Some(item) = self.item.take() {
                    self.export.items.push(item);
                }
            }
            (Some(Target::Channel), field) => self.channel_field(field, value),
            (Some(Target::Item), "wp:comment") => {
                if let (Some(item), Some(comment)) = (self.item.as_mut(), self.comment.take()) {
                    item.comments.push(comment);
                }
            }
            (Some(Target::Item), "category") => {
                if let (Some(item), Some(mut term)) = (self.item.as_mut(), self.term.take()) {
                    term.name = value.trim().to_string();
                    item.terms.push(term);
                }
            }
            (Some(Target::Item), field) => {
                if let Some(item) = self.item.as_mut() {
                    item_field(item, field, value);
                }
            }
            (Some(Target::Comment), field) => {
                if let Some(comment) = self.comment.as_mut() {
                    comment_field(comment, field, value);
                }
            }
            (None, _) => {}
        }
    }

    fn channel_field(&mut self, field: &str, value: String) {
        match field {
            "wp:wxr_version" => self.is_wxr = true,
            "link" if self.export.blog_url.is_empty() => self.export.blog_url = value.trim().into(),
            "wp:base_blog_url" => self.export.blog_url = value.trim().into(),
            "wp:base_site_url" => self.export.site_url = value.trim().into(),
            _ => {}
        }
    }
}

fn item_field(item: &mut Item, field: &str, value: String) {
    let slot = match field {
        "title" => &mut item.title,
        "link" => &mut item.link,
        "guid" => &mut item.guid,
        "dc:creator" => &mut item.creator,
        "pubDate" => &mut item.pub_date,
        "wp:post_date" => &mut item.date,
        "wp:post_id" => &mut item.post_id,
        "wp:post_type" => &mut item.post_type,
        "wp:status" => &mut item.status,
        "wp:post_name" => &mut item.post_name,
        "wp:post_parent" => &mut item.post_parent,
        "content:encoded" => {
            item.content = value;
            return;
        }
        "excerpt:encoded" => {
            item.excerpt = value;
            return;
        }
        "wp:attachment_url" => &mut item.attachment_url,
        _ => return,
    };
    *slot = value.trim().to_string();
}

fn comment_field(comment: &mut Comment, field: &str, value: String) {
    let slot = match field {
        "wp:comment_id" => &mut comment.id,
        "wp:comment_author" => &mut comment.author,
        "wp:comment_date" => &mut comment.date,
        "wp:comment_approved" => &mut comment.approved,
        "wp:comment_type" => &mut comment.comment_type,
        "wp:comment_parent" => &mut comment.parent,
        "wp:comment_content" => {
            comment.content = value;
            return;
        }
        _ => return,
    };
    *slot = value.trim().to_string();
}

/// The text of `&name;`: a character reference, one of XML's five entities, or (as
/// hand-edited exports hold them) an HTML entity such as `&nbsp;`.
fn resolve_reference(r: &BytesRef) -> Option<String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            _ => None,
        };
    }
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(r) {
        return Some(s.to_string());
    }
    let entity = format!("&{};", &**r);
    let decoded = html_escape::decode_html_entities(&entity);
    (decoded != entity).then(|| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Blog</title>
  <link>https://blog.example.com</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://blog.example.com</wp:base_site_url>
  <item>
    <title>Caf&#233; &amp; more &nbsp;</title>
    <link>https://blog.example.com/cafe/</link>
    <dc:creator><![CDATA[steve]]></dc:creator>
    <content:encoded><![CDATA[<p>Body ]]]]><![CDATA[> with CDATA end</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date><![CDATA[2013-05-02 10:14:00]]></wp:post_date>
    <wp:post_name><![CDATA[caf%c3%a9]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="licensing"><![CDATA[Licensing]]></category>
    <category domain="post_tag" nicename="por"><![CDATA[POR]]></category>
    <wp:comment>
      <wp:comment_id>3</wp:comment_id>
      <wp:comment_author><![CDATA[Dav&eacute;]]></wp:comment_author>
      <wp:comment_date><![CDATA[2013-06-14 09:00:00]]></wp:comment_date>
      <wp:comment_content><![CDATA[Line one
line two]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
</channel>
</rss>
"#;

    #[test]
    fn reads_items_terms_and_comments() {
        let export = parse(MINIMAL.as_bytes()).unwrap();
        assert_eq!(export.blog_url, "https://blog.example.com");
        let item = &export.items[0];
        assert_eq!(item.title, "Café & more");
        assert_eq!(item.content, "<p>Body ]]> with CDATA end</p>");
        assert_eq!(item.post_name, "caf%c3%a9");
        assert_eq!(item.date, "2013-05-02 10:14:00");
        assert_eq!(item.line, 11);
        assert_eq!(item.terms.len(), 2);
        assert_eq!(item.terms[1].domain, "post_tag");
        assert_eq!(item.terms[1].name, "POR");
        let c = &item.comments[0];
        assert_eq!((c.id.as_str(), c.approved.as_str()), ("3", "1"));
        // CDATA is not unescaped: the entity stays as written, for the HTML converter.
        assert_eq!(c.author, "Dav&eacute;");
        assert_eq!(c.content, "Line one\nline two");
    }

    #[test]
    fn a_cut_export_is_an_error_at_its_end() {
        let cut = &MINIMAL[..MINIMAL.find("<wp:comment_type>").unwrap()];
        let e = parse(cut.as_bytes()).unwrap_err();
        assert!(e.message.contains("cut short"), "{e:?}");
        assert!(e.message.contains("<wp:comment>"), "{e:?}");
        assert_eq!(place(cut, cut.len()), (e.line, e.column));
    }

    #[test]
    fn a_cut_cdata_section_is_an_error_where_it_starts() {
        let cut = &MINIMAL[..MINIMAL.find("with CDATA end").unwrap()];
        let e = parse(cut.as_bytes()).unwrap_err();
        assert!(e.message.contains("not well-formed"), "{e:?}");
        assert_eq!(e.line, 15);
    }

    #[test]
    fn mismatched_tags_are_an_error_with_line_and_character_column() {
        let bad = MINIMAL.replace("<title>Blog</title>", "<title>Blög</titel>");
        let e = parse(bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, 7);
        assert_eq!(e.column, 14, "{e:?}");
    }

    #[test]
    fn an_rss_feed_is_not_an_export() {
        let feed = "<rss><channel><item><title>x</title></item></channel></rss>";
        let e = parse(feed.as_bytes()).unwrap_err();
        assert!(e.message.contains("wxr_version"), "{e:?}");
        assert_eq!(parse(b" \n").unwrap_err().message, "the export is empty");
        let e = parse(b"<html></html>").unwrap_err();
        assert!(e.message.contains("root element is <html>"), "{e:?}");
    }

    #[test]
    fn unknown_entities_and_bad_utf8_are_errors() {
        let bad = MINIMAL.replace("&amp; more", "&bogus; more");
        let e = parse(bad.as_bytes()).unwrap_err();
        assert!(e.message.contains("&bogus;"), "{e:?}");
        assert_eq!(e.line, 12);
        let mut bytes = MINIMAL.as_bytes().to_vec();
        bytes.insert(MINIMAL.find("Blog").unwrap(), 0xff);
        let e = parse(&bytes).unwrap_err();
        assert_eq!((e.line, e.column), (7, 10));
    }
}
