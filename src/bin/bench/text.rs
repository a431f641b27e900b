//! English-like text for the benchmark corpus: word lists of a fictional cloud admin
//! console, and templates whose `{slot}`s are filled from them by a seeded generator.
//! The text only has to look like help pages to the build and to search: varied words,
//! bold UI names, inline code, numbers, error codes.

use fastrand::Rng;

/// A verb in the forms the templates use: base, third person, past participle, -ing.
#[derive(Clone, Copy)]
struct Verb(&'static str, &'static str, &'static str, &'static str);

const VERBS: &[Verb] = &[
    Verb("rotate", "rotates", "rotated", "rotating"),
    Verb("renew", "renews", "renewed", "renewing"),
    Verb("create", "creates", "created", "creating"),
    Verb("delete", "deletes", "deleted", "deleting"),
    Verb("rename", "renames", "renamed", "renaming"),
    Verb("move", "moves", "moved", "moving"),
    Verb("export", "exports", "exported", "exporting"),
    Verb("import", "imports", "imported", "importing"),
    Verb("assign", "assigns", "assigned", "assigning"),
    Verb("revoke", "revokes", "revoked", "revoking"),
    Verb("restore", "restores", "restored", "restoring"),
    Verb("back up", "backs up", "backed up", "backing up"),
    Verb("turn on", "turns on", "turned on", "turning on"),
    Verb("turn off", "turns off", "turned off", "turning off"),
    Verb("review", "reviews", "reviewed", "reviewing"),
    Verb("approve", "approves", "approved", "approving"),
    Verb("schedule", "schedules", "scheduled", "scheduling"),
    Verb("encrypt", "encrypts", "encrypted", "encrypting"),
    Verb("verify", "verifies", "verified", "verifying"),
    Verb("connect", "connects", "connected", "connecting"),
    Verb("share", "shares", "shared", "sharing"),
    Verb("archive", "archives", "archived", "archiving"),
    Verb("reset", "resets", "reset", "resetting"),
    Verb("transfer", "transfers", "transferred", "transferring"),
    Verb("register", "registers", "registered", "registering"),
    Verb("tag", "tags", "tagged", "tagging"),
    Verb("monitor", "monitors", "monitored", "monitoring"),
    Verb("migrate", "migrates", "migrated", "migrating"),
    Verb("update", "updates", "updated", "updating"),
    Verb("lock", "locks", "locked", "locking"),
];

/// A noun and its plural.
#[derive(Clone, Copy)]
struct Noun(&'static str, &'static str);

const NOUNS: &[Noun] = &[
    Noun("certificate", "certificates"),
    Noun("encryption key", "encryption keys"),
    Noun("resource group", "resource groups"),
    Noun("mailbox", "mailboxes"),
    Noun("license", "licenses"),
    Noun("security group", "security groups"),
    Noun("sign-in policy", "sign-in policies"),
    Noun("custom domain", "custom domains"),
    Noun("DNS record", "DNS records"),
    Noun("storage bucket", "storage buckets"),
    Noun("API token", "API tokens"),
    Noun("audit log", "audit logs"),
    Noun("retention rule", "retention rules"),
    Noun("device profile", "device profiles"),
    Noun("firewall rule", "firewall rules"),
    Noun("virtual machine", "virtual machines"),
    Noun("snapshot", "snapshots"),
    Noun("webhook", "webhooks"),
    Noun("service account", "service accounts"),
    Noun("billing account", "billing accounts"),
    Noun("partner ID", "partner IDs"),
    Noun("shared mailbox", "shared mailboxes"),
    Noun("distribution list", "distribution lists"),
    Noun("alert rule", "alert rules"),
    Noun("dashboard", "dashboards"),
    Noun("workspace", "workspaces"),
    Noun("subscription", "subscriptions"),
    Noun("tenant", "tenants"),
    Noun("network route", "network routes"),
    Noun("load balancer", "load balancers"),
    Noun("container image", "container images"),
    Noun("deployment", "deployments"),
    Noun("secret", "secrets"),
    Noun("quota", "quotas"),
    Noun("access review", "access reviews"),
    Noun("support ticket", "support tickets"),
    Noun("user account", "user accounts"),
    Noun("admin role", "admin roles"),
    Noun("backup plan", "backup plans"),
    Noun("cluster", "clusters"),
    Noun("namespace", "namespaces"),
    Noun("usage report", "usage reports"),
    Noun("invoice", "invoices"),
    Noun("connector", "connectors"),
    Noun("pipeline", "pipelines"),
];

/// None of them starts with a "u" that sounds like "you", so the article rule holds.
const ADJECTIVES: &[&str] = &[
    "expired",
    "new",
    "shared",
    "default",
    "custom",
    "primary",
    "secondary",
    "temporary",
    "regional",
    "private",
    "public",
    "scheduled",
    "encrypted",
    "inactive",
    "read-only",
    "locked",
    "archived",
    "external",
    "internal",
    "premium",
    "standard",
    "legacy",
    "automatic",
    "manual",
    "verified",
    "pending",
];

const ROLES: &[&str] = &[
    "global admin",
    "billing admin",
    "help desk agent",
    "security reviewer",
    "partner admin",
    "workspace owner",
    "reader",
    "support engineer",
    "compliance officer",
    "workspace member",
];

pub const PRODUCTS: &[&str] = &[
    "Harbor Mail",
    "Lattice Directory",
    "Beacon Backup",
    "Quarry Storage",
    "Meridian Billing",
    "Orchard Devices",
    "Signal Monitor",
    "Canopy Network",
    "Ledger Compliance",
    "Foundry Compute",
    "Atlas Search",
    "Relay Messaging",
    "Keystone Identity",
    "Trellis Pipelines",
    "Summit Analytics",
    "Compass Partner Center",
    "Juniper Vault",
    "Cobalt Containers",
    "Prairie Reports",
    "Tidewater DNS",
];

const PLACES: &[&str] = &[
    "the admin center",
    "the Settings page",
    "the command line",
    "the partner dashboard",
    "the Billing page",
    "the audit view",
    "the REST API",
    "PowerShell",
    "the mobile app",
    "the Security page",
    "the Overview tab",
    "the setup wizard",
    "your CI pipeline",
    "the health dashboard",
];

const CONNECTORS: &[&str] = &[
    "Usually,",
    "By default,",
    "In most tenants,",
    "If you are not sure,",
    "After the change,",
    "Before you start,",
    "For example,",
    "Alternatively,",
    "In addition,",
    "To save time,",
    "As a rule,",
    "In a new tenant,",
];

const ADVERBS: &[&str] = &[
    "at once",
    "in bulk",
    "one at a time",
    "every night",
    "on a schedule",
    "by hand",
    "safely",
    "automatically",
    "again later",
    "from a script",
];

pub const TAGS: &[&str] = &[
    "licensing",
    "partners",
    "billing",
    "mail",
    "identity",
    "security",
    "certificates",
    "encryption",
    "backup",
    "storage",
    "networking",
    "dns",
    "devices",
    "compliance",
    "audit",
    "monitoring",
    "alerts",
    "automation",
    "powershell",
    "cli",
    "api",
    "migration",
    "troubleshooting",
    "quickstart",
    "reference",
    "limits",
    "permissions",
    "roles",
    "containers",
    "kubernetes",
    "reports",
    "support",
    "domains",
    "policies",
    "retention",
    "performance",
    "costs",
    "preview",
    "upgrade",
    "webhooks",
];

pub const REGIONS: &[&str] = &[
    "eu-west",
    "eu-north",
    "us-east",
    "us-central",
    "us-west",
    "ap-south",
    "ap-east",
    "uk-south",
];

pub const ALERT_KINDS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

pub const TITLES: &[&str] = &[
    "{Verb} {a_noun} in {product}",
    "{Verb} {nouns} from {place}",
    "Set up {a_adj_noun}",
    "Fix {adj} {noun} errors",
    "Move {nouns} to {product}",
    "Quickstart: {verb} your first {noun}",
    "Give {a_role} access to {nouns}",
    "Check the status of {a_noun}",
    "{Verb} and {verb2} {nouns}",
    "Why {a_noun} stops working",
    "{Verb} {adj} {nouns} with {product}",
    "Plan how to {verb} {nouns}",
];

pub const HEADINGS: &[&str] = &[
    "{Verb} the {noun}",
    "Check the {adj} {noun}",
    "Give {roles} access",
    "Undo the change",
    "Troubleshooting",
    "Limits",
    "Before you {verb} {a_noun}",
    "Find the {noun} in {place}",
    "Schedule {verbing} of {nouns}",
    "What happens to {adj} {nouns}",
    "{Verb} {a_adj_noun} from {place}",
    "Known issues",
    "Confirm that it worked",
    "Clean up {adj} {nouns}",
    "Choose {a_noun}",
    "Costs and quotas",
];

const SENTENCES: &[&str] = &[
    "{Place} shows every {noun} that belongs to the {noun2}.",
    "You can {verb} {a_noun} at any time, but {product} keeps the previous {noun2} for {num} days.",
    "If the {noun} does not appear, refresh {place} and try again.",
    "Only {a_role} can {verb} {a_adj_noun} in {product}.",
    "{Connector} {product} {verbs} the {noun} when the {noun2} changes.",
    "The {adj} {noun} applies to new {nouns2} only; existing ones keep their settings.",
    "It can take up to {num} minutes before the change reaches every region.",
    "Select **{Noun}**, then select **{Verb}**.",
    "Write down the value of `{ident}`: you need it in a later step.",
    "{A_noun} that is {adj} cannot be {verbed} until the {role} unlocks it.",
    "If the request fails with `{code}`, check that the {noun} still exists.",
    "{Connector} we recommend that you {verb} each {noun} {adverb}.",
    "Each {noun} can hold up to {num} {nouns2}.",
    "When you {verb} the {noun}, every {role} gets an email about it.",
    "{Connector} {verbing} {a_noun} does not change the {noun2} it belongs to.",
    "The {noun} and the {noun2} must be in the same region, for example `{region}`.",
    "{Product} lists {adj} {nouns} on the **{Noun2}** tab of {place}.",
    "{Connector} you can {verb} {nouns} {adverb} by using {place}.",
    "Use {a_adj_noun} for production, and keep {a_noun2} for tests.",
    "A {role} who is not an owner of the {noun} sees it as read-only.",
];

pub const STEPS: &[&str] = &[
    "Open {place} and go to **{Noun}**.",
    "Select the {noun} that you want to {verb}.",
    "On the **{Noun}** page, select **{Verb}**.",
    "Enter a name for the {adj} {noun}, for example `{ident}`.",
    "Set **{Noun}** to **{Adj}**.",
    "Review the summary, then select **Save**.",
    "Wait until the status of the {noun} is **Ready**.",
    "Copy the value of `{ident}` and keep it somewhere safe.",
    "Give the **{Role}** role to the {noun}.",
    "Select **{Verb} {noun}** and confirm.",
];

/// The step after which a code block follows.
pub const RUN_COMMAND_STEP: &str = "Run the following command to {verb} the {noun}:";

pub const PREREQUISITES: &[&str] = &[
    "An account with the **{Role}** role.",
    "{A_adj_noun} in {product}.",
    "Permission to {verb} {nouns}.",
    "{A_noun} named `{ident}`.",
    "The command-line tool, version {num} or later.",
];

pub const SETTING_VALUES: &[&str] = &[
    "`true`",
    "`false`",
    "30",
    "`Standard`",
    "None",
    "5 minutes",
    "`eu-west`",
    "90 days",
];

/// An index below `len` (> 0), the same on every platform.
pub fn index(rng: &mut Rng, len: usize) -> usize {
    rng.u32(..len as u32) as usize
}

pub fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[index(rng, items.len())]
}

/// A number in `lo..=hi`, the same on every platform.
pub fn between(rng: &mut Rng, lo: usize, hi: usize) -> usize {
    rng.u32(lo as u32..=hi as u32) as usize
}

pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a" or "an" before `word` (the word lists avoid the exceptions).
fn article(word: &str) -> &'static str {
    match word.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'A' | b'E' | b'I' | b'O') => "an",
        _ => "a",
    }
}

/// Lower-case words joined by `-`: for file names and identifiers.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The words one template fills in: picked when first used, so that `{noun}` names
/// the same thing twice in one sentence.
#[derive(Default)]
struct Picks {
    verb: Option<Verb>,
    verb2: Option<Verb>,
    noun: Option<Noun>,
    noun2: Option<Noun>,
    adj: Option<&'static str>,
    role: Option<&'static str>,
}

impl Picks {
    fn verb(&mut self, rng: &mut Rng) -> Verb {
        *self.verb.get_or_insert_with(|| pick(rng, VERBS))
    }
    fn verb2(&mut self, rng: &mut Rng) -> Verb {
        *self.verb2.get_or_insert_with(|| pick(rng, VERBS))
    }
    fn noun(&mut self, rng: &mut Rng) -> Noun {
        *self.noun.get_or_insert_with(|| pick(rng, NOUNS))
    }
    fn noun2(&mut self, rng: &mut Rng) -> Noun {
        *self.noun2.get_or_insert_with(|| pick(rng, NOUNS))
    }
    fn adj(&mut self, rng: &mut Rng) -> &'static str {
        self.adj.get_or_insert_with(|| pick(rng, ADJECTIVES))
    }
    fn role(&mut self, rng: &mut Rng) -> &'static str {
        self.role.get_or_insert_with(|| pick(rng, ROLES))
    }

    /// Appends the text of one `{slot}` to `out`.
    fn write(&mut self, rng: &mut Rng, slot: &str, out: &mut String) {
        let text: String = match slot {
            "verb" => self.verb(rng).0.into(),
            "Verb" => capitalize(self.verb(rng).0),
            "verbs" => self.verb(rng).1.into(),
            "verbed" => self.verb(rng).2.into(),
            "verbing" => self.verb(rng).3.into(),
            "verb2" => self.verb2(rng).0.into(),
            "noun" => self.noun(rng).0.into(),
            "Noun" => capitalize(self.noun(rng).0),
            "nouns" => self.noun(rng).1.into(),
            "a_noun" | "A_noun" => {
                let noun = self.noun(rng).0;
                let text = format!("{} {noun}", article(noun));
                if slot == "A_noun" {
                    capitalize(&text)
                } else {
                    text
                }
            }
            "noun2" => self.noun2(rng).0.into(),
            "Noun2" => capitalize(self.noun2(rng).0),
            "nouns2" => self.noun2(rng).1.into(),
            "a_noun2" => {
                let noun = self.noun2(rng).0;
                format!("{} {noun}", article(noun))
            }
            "adj" => self.adj(rng).into(),
            "Adj" => capitalize(self.adj(rng)),
            "a_adj_noun" | "A_adj_noun" => {
                let adj = self.adj(rng);
                let text = format!("{} {adj} {}", article(adj), self.noun(rng).0);
                if slot == "A_adj_noun" {
                    capitalize(&text)
                } else {
                    text
                }
            }
            "role" => self.role(rng).into(),
            "Role" => capitalize(self.role(rng)),
            "roles" => format!("{}s", self.role(rng)),
            "a_role" => {
                let role = self.role(rng);
                format!("{} {role}", article(role))
            }
            "product" | "Product" => pick(rng, PRODUCTS).to_string(),
            "place" => pick(rng, PLACES).to_string(),
            "Place" => capitalize(pick(rng, PLACES)),
            "Connector" => pick(rng, CONNECTORS).to_string(),
            "adverb" => pick(rng, ADVERBS).to_string(),
            "region" => pick(rng, REGIONS).to_string(),
            "num" => pick(rng, &[2, 3, 5, 10, 15, 30, 60, 90, 100, 250]).to_string(),
            "code" => format!(
                "{}{}",
                pick(rng, &["E", "ERR-", "AUTH", "0x80"]),
                between(rng, 100, 9999)
            ),
            "ident" => {
                let adj = self.adj(rng);
                let noun = self.noun(rng).0;
                format!("{}-{}-{:02}", slug(adj), slug(noun), between(rng, 1, 99))
            }
            // A slot the lists do not know is left as written, to be seen in the output.
            other => format!("{{{other}}}"),
        };
        out.push_str(&text);
    }
}

/// Fills a template's `{slot}`s.
pub fn fill(rng: &mut Rng, template: &str) -> String {
    let mut picks = Picks::default();
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        picks.write(rng, &rest[open + 1..close], &mut out);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// One of `templates`, filled.
pub fn fill_any(rng: &mut Rng, templates: &[&str]) -> String {
    let template = pick(rng, templates);
    fill(rng, template)
}

pub fn sentence(rng: &mut Rng) -> String {
    fill_any(rng, SENTENCES)
}

/// `lo..=hi` sentences.
pub fn paragraph(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let count = between(rng, lo, hi);
    let mut out = String::new();
    for i in 0..count {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&sentence(rng));
    }
    out
}

/// A name for a leaf section: a plural noun, sometimes with a verb before it.
pub fn topic(rng: &mut Rng) -> String {
    let noun = pick(rng, NOUNS).1;
    if rng.bool() {
        capitalize(noun)
    } else {
        format!("{} {noun}", capitalize(pick(rng, VERBS).0))
    }
}

pub fn identifier(rng: &mut Rng) -> String {
    slug(pick(rng, NOUNS).0)
}

pub fn person(rng: &mut Rng) -> &'static str {
    pick(
        rng,
        &["ana", "bo", "chen", "dara", "eli", "farah", "gus", "hana"],
    )
}

pub fn role(rng: &mut Rng) -> String {
    capitalize(pick(rng, ROLES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noun_named_twice_in_a_template_is_the_same_noun() {
        let mut rng = Rng::with_seed(3);
        for _ in 0..50 {
            let text = fill(&mut rng, "{noun}|{noun}|{a_noun}");
            let parts: Vec<&str> = text.split('|').collect();
            assert_eq!(parts[0], parts[1]);
            assert!(parts[2].ends_with(parts[0]), "{text}");
        }
    }

    #[test]
    fn articles_and_slugs() {
        assert_eq!(article("encryption key"), "an");
        assert_eq!(article("user account"), "a");
        assert_eq!(
            slug("Quickstart: rotate your first API token"),
            "quickstart-rotate-your-first-api-token"
        );
        assert_eq!(
            fill(&mut Rng::with_seed(1), "no {slot-unknown} here"),
            "no {slot-unknown} here"
        );
    }
}
