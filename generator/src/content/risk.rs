//! `risk.yaml`: the fraud and risk rules (`pc_core::risk`), reviewed like any other change.
//! Without the file nothing is held or blocked (bot filtering and self-referral by e-mail
//! still apply).

use std::path::Path;

use pc_core::risk::RiskRules;

use super::load::Loader;

const FILE: &str = "risk.yaml";

impl Loader<'_> {
    /// The rules; the defaults (nothing fires) without the file.
    pub(super) fn risk(&mut self) -> RiskRules {
        if !self.root().join(FILE).is_file() {
            return RiskRules::default();
        }
        let Some(file) = self.read(Path::new(FILE)) else {
            return RiskRules::default();
        };
        let Some(rules) = self.parse::<RiskRules>(&file, file.text(), 0) else {
            return RiskRules::default();
        };
        let problems = rules.problems();
        for (key, message) in &problems {
            self.errors
                .push(file.error_at(file.find_key(key), message.clone()).hint(
                    "see the comments in the example content's risk.yaml for what each rule takes",
                ));
        }
        if problems.is_empty() {
            rules
        } else {
            RiskRules::default()
        }
    }
}
