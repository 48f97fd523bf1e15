//! `owners.yaml`: who can open the owner's console, with which role. Passwords are never
//! here: each owner sets theirs through an invite link (`partner-center invite --owner`).

use std::collections::HashSet;
use std::path::Path;

use pc_core::OwnerRole;
use serde::Deserialize;

use super::load::Loader;
use super::{EmailAddress, Owner};

const FILE: &str = "owners.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnersFile {
    /// Whose sign-in needs two-step sign-in besides those who ask it of themselves.
    #[serde(default)]
    require_two_factor: RequiredOf,
    owners: Vec<OwnerEntry>,
}

/// `require_two_factor:` at the top of the file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RequiredOf {
    /// Only the owners marked `require_two_factor: true`.
    #[default]
    Nobody,
    Admins,
    Everyone,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnerEntry {
    name: String,
    email: EmailAddress,
    role: OwnerRole,
    #[serde(default)]
    require_two_factor: bool,
}

impl Loader<'_> {
    /// The console's owners; none without the file.
    pub(super) fn owners(&mut self) -> Vec<Owner> {
        if !self.root().join(FILE).is_file() {
            return Vec::new();
        }
        let Some(file) = self.read(Path::new(FILE)) else {
            return Vec::new();
        };
        let Some(raw) = self.parse::<OwnersFile>(&file, file.text(), 0) else {
            return Vec::new();
        };
        let mut seen = HashSet::new();
        let mut owners = Vec::new();
        for entry in raw.owners {
            let email = entry.email.as_str().to_ascii_lowercase();
            if !seen.insert(email.clone()) {
                self.errors.push(
                    file.error_at(
                        file.text()
                            .rfind(entry.email.as_str())
                            .map(|at| (at, entry.email.as_str().len())),
                        format!("{email} is listed twice"),
                    )
                    .hint("each owner appears once; pick one role for them"),
                );
                continue;
            }
            if entry.name.trim().is_empty() {
                self.errors.push(
                    file.error_at(file.find_key("name"), "an owner needs a name")
                        .hint("the name is shown in the console and in its activity log"),
                );
                continue;
            }
            let two_factor_required = entry.require_two_factor
                || raw.require_two_factor == RequiredOf::Everyone
                || (raw.require_two_factor == RequiredOf::Admins && entry.role == OwnerRole::Admin);
            owners.push(Owner {
                name: entry.name,
                email,
                role: entry.role,
                two_factor_required,
            });
        }
        owners
    }
}
