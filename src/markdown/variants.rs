//! Console variants (SPEC §3.3): adjacent `::: variant ID…` blocks become one group of
//! tabs and panels. Which panel shows is decided in the browser (theme JS and CSS rules
//! generated per variant); without JavaScript every panel shows under its label.

use super::directives::{Block, Directive, Doc};
use super::PageState;
use crate::diag::Diagnostic;
use crate::html::escape;

impl PageState<'_> {
    pub(super) fn render_variant_group(&mut self, blocks: &[Block], doc: &Doc) {
        let directives: Vec<&Directive> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Directive(d) => Some(d),
                Block::Markdown { .. } | Block::Foreign(_) => None,
            })
            .collect();
        let Some(first) = directives.first() else {
            return;
        };
        let ids: Vec<Vec<String>> = directives.iter().map(|d| self.variant_ids(d)).collect();
        self.check_group_coverage(first, &ids);

        // One tab per variant that a block of the group names, in site order.
        let tabs: Vec<&(String, String)> = self
            .env
            .variants
            .iter()
            .filter(|(id, _)| ids.iter().flatten().any(|i| i == id))
            .collect();
        self.groups += 1;
        let group = format!("vg{}", self.groups);
        let mut html = format!("<div class=\"variant-group\" data-variant-group id=\"{group}\">\n");
        html.push_str("<div class=\"variant-tabs\" role=\"tablist\" aria-label=\"Admin console\">");
        for (id, label) in &tabs {
            let panel = ids.iter().position(|p| p.contains(id)).unwrap_or(0);
            html.push_str(&format!(
                "<button type=\"button\" role=\"tab\" id=\"{group}-tab-{id}\" aria-controls=\"{group}-panel-{panel}\" aria-selected=\"false\" tabindex=\"-1\" data-variant=\"{id}\">{}</button>",
                escape(label)
            ));
        }
        html.push_str("</div>\n");
        self.out.html.push_str(&html);

        for (n, (directive, panel_ids)) in directives.iter().zip(&ids).enumerate() {
            let labels: Vec<&str> = self
                .env
                .variants
                .iter()
                .filter(|(id, _)| panel_ids.contains(id))
                .map(|(_, label)| label.as_str())
                .collect();
            let first_tab = panel_ids.first().map(String::as_str).unwrap_or("");
            self.out.html.push_str(&format!(
                "<div class=\"variant-panel for-variant\" role=\"tabpanel\" id=\"{group}-panel-{n}\" aria-labelledby=\"{group}-tab-{first_tab}\" data-variant=\"{}\">\n<p class=\"variant-label\">{}</p>\n",
                panel_ids.join(" "),
                escape(&labels.join(", "))
            ));
            let outer = self.variant_scope.replace(panel_ids.clone());
            self.start_passage();
            self.render_blocks(&directive.body, doc);
            self.variant_scope = outer;
            self.out.html.push_str("</div>\n");
        }
        self.out.html.push_str("</div>\n");
        self.start_passage();
    }

    /// The ids a `::: variant` line names, each checked against site.toml and the
    /// guide's own `variants:`; unknown ones are reported and dropped.
    fn variant_ids(&mut self, d: &Directive) -> Vec<String> {
        let file = self.page.site_path;
        if self.variant_scope.is_some() {
            self.out.diags.push(
                Diagnostic::error(
                    "variant",
                    file,
                    "a `::: variant` block cannot sit inside another one",
                )
                .at(d.line, d.column)
                .help("close the outer block with `:::` first"),
            );
        }
        let mut ids = Vec::new();
        for id in d.args.split_whitespace() {
            if !self.env.variants.iter().any(|(v, _)| v == id) {
                let known: Vec<&str> = self.env.variants.iter().map(|(v, _)| v.as_str()).collect();
                let help = if known.is_empty() {
                    "declare the consoles as [[variants]] in site.toml".to_string()
                } else {
                    format!("the variants of site.toml are: {}", known.join(", "))
                };
                self.out.diags.push(
                    Diagnostic::error("variant", file, format!("unknown variant `{id}`"))
                        .at(d.line, d.column)
                        .help(help),
                );
            } else if self
                .page
                .variants
                .is_some_and(|applies| !applies.iter().any(|a| a == id))
            {
                self.out.diags.push(
                    Diagnostic::error(
                        "variant",
                        file,
                        format!("variant `{id}` is not one of this guide's `variants:`"),
                    )
                    .at(d.line, d.column)
                    .help("add it to the front matter's variants, or remove the block"),
                );
            } else if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
        if d.args.trim().is_empty() {
            self.out.diags.push(
                Diagnostic::error(
                    "variant",
                    file,
                    "`::: variant` needs at least one variant id",
                )
                .at(d.line, d.column)
                .help("write `::: variant small-business` (ids from site.toml)"),
            );
        }
        ids
    }

    /// Warns when a reader of a console the guide applies to would see nothing.
    fn check_group_coverage(&mut self, first: &Directive, ids: &[Vec<String>]) {
        let applies: Vec<&str> = match self.page.variants {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => self
                .env
                .variants
                .iter()
                .map(|(id, _)| id.as_str())
                .collect(),
        };
        let missing: Vec<&str> = applies
            .into_iter()
            .filter(|v| !ids.iter().flatten().any(|i| i == v))
            .collect();
        if !missing.is_empty() && ids.iter().any(|p| !p.is_empty()) {
            self.out.diags.push(
                Diagnostic::warning(
                    "variant-missing",
                    self.page.site_path,
                    format!(
                        "this group of variant blocks has nothing for {}",
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(first.line, first.column)
                .help("add a `::: variant` block for it, or limit the guide with `variants:` in its front matter"),
            );
        }
    }
}
