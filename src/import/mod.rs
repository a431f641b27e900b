//! Importers: content from elsewhere brought into a site's sources. `reports` turns
//! readers' reports into candidate caveats at their step.

pub mod reports;
