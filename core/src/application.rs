//! The partner file an approved application becomes (`content/partners/<code>.yaml`, written
//! by [`crate::partner_file`]): the same text whether the CLI writes it or the owner's console
//! shows it to commit.

use crate::partner_file::PartnerFile;

/// What an applicant gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Application {
    pub code: String,
    pub name: String,
    pub email: String,
    pub company: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub promotion: Option<String>,
    pub programs: Vec<String>,
    #[serde(default)]
    pub created_at: i64,
    /// The partner whose recruitment link (`/join?ref=<code>`) brought the applicant: their
    /// parent, who earns the second tier on their sales.
    #[serde(default)]
    pub referred_by: Option<String>,
}

/// The partner file: the fields a partner has, the rest as comments.
pub fn partner_yaml(app: &Application) -> String {
    let mut comments = vec![format!(
        "{}: approved from the partner application of {}.",
        app.code, app.name
    )];
    if let Some(website) = &app.website {
        comments.push(format!("Website: {website}"));
    }
    if let Some(promotion) = &app.promotion {
        comments.push(format!("How they promote: {promotion}"));
    }
    if let Some(parent) = &app.referred_by {
        comments.push(format!("Came through the recruitment link of {parent}."));
    }
    PartnerFile {
        comments,
        code: &app.code,
        name: &app.name,
        company: app.company.as_deref(),
        email: &app.email,
        phone: app.phone.as_deref(),
        programs: &app.programs,
        parent: app.referred_by.as_deref(),
        ..PartnerFile::default()
    }
    .to_yaml()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yaml_keeps_typed_text_as_data() {
        let app = Application {
            code: "new001".into(),
            name: "Jo: \"quotes\" # not a comment \\ \u{7}".into(),
            email: "jo@example.com".into(),
            company: None,
            website: Some("https://jo.example\nprograms: [evil]".into()),
            phone: None,
            promotion: Some("Newsletter".into()),
            programs: vec!["coffee-club".into()],
            created_at: 0,
            referred_by: None,
        };
        let yaml = partner_yaml(&app);
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(value["name"], "Jo: \"quotes\" # not a comment \\ \u{7}");
        assert_eq!(value["code"], "new001");
        assert_eq!(value["programs"][0], "coffee-club");
        assert_eq!(
            value["programs"].as_sequence().unwrap().len(),
            1,
            "a comment cannot add fields"
        );
        assert!(value.get("company").is_none());
        assert!(yaml.contains("# Website: https://jo.example programs: [evil]"));
    }

    use proptest::prelude::*;

    /// Text as a hostile applicant types it: all of Unicode, weighted toward what YAML reads
    /// as structure (every kind of line break, quotes, colons, `#`, document markers).
    fn hostile_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                any::<char>().prop_map(String::from),
                prop::sample::select(vec![
                    "\u{2028}",
                    "\u{2029}",
                    "\u{85}",
                    "\n",
                    "\r",
                    "\t",
                    "\"",
                    "'",
                    ":",
                    ": ",
                    "#",
                    " #",
                    "---",
                    "...",
                    "\\",
                    "- ",
                    "[",
                    "]",
                    "{",
                    "}",
                    "&a",
                    "*a",
                    "!!",
                    "|",
                    ">",
                    "%",
                    "@",
                    "`",
                    "\u{feff}",
                    "\u{fffe}",
                    "\u{202e}",
                    "\ncoupons: [WELCOME10]\n",
                    "\u{2028}parent: abc123",
                ])
                .prop_map(str::to_owned),
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    fn optional_text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(hostile_text())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_applicant_text_stays_data(
            name in hostile_text(),
            email in hostile_text(),
            company in optional_text(),
            website in optional_text(),
            phone in optional_text(),
            promotion in optional_text(),
            programs in prop::collection::vec(hostile_text(), 1..3),
        ) {
            let app = Application {
                code: "new001".into(),
                name: name.clone(),
                email: email.clone(),
                company: company.clone(),
                website,
                phone: phone.clone(),
                promotion,
                programs: programs.clone(),
                created_at: 0,
                referred_by: None,
            };
            let yaml = partner_yaml(&app);
            let value: serde_yaml::Mapping = serde_yaml::from_str(&yaml)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
            let mut expected = vec!["code", "name", "email", "programs"];
            if company.is_some() {
                expected.push("company");
            }
            if phone.is_some() {
                expected.push("phone");
            }
            let mut keys: Vec<&str> = value.keys().filter_map(serde_yaml::Value::as_str).collect();
            keys.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(keys, expected, "{}", yaml);
            let text = |k: &str| value.get(k).and_then(serde_yaml::Value::as_str).map(str::to_owned);
            prop_assert_eq!(text("code"), Some("new001".to_owned()));
            prop_assert_eq!(text("name"), Some(name));
            prop_assert_eq!(text("email"), Some(email));
            prop_assert_eq!(text("company"), company);
            prop_assert_eq!(text("phone"), phone);
            let listed: Vec<String> = value
                .get("programs")
                .and_then(serde_yaml::Value::as_sequence)
                .map(|s| s.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            prop_assert_eq!(listed, programs);
        }
    }
}
