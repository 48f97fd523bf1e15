//! The click rows the Queue consumer (and `serve`'s journal mover) writes: one idempotent
//! insert per row, so a batch delivered twice writes each row once.

use crate::clicks::ClickRecord;
use crate::platform::Statement;

/// The idempotent insert of a click row.
pub fn insert(click: &ClickRecord) -> Statement {
    match click.clone() {
        ClickRecord::Counted {
            id,
            partner,
            program,
            slug,
            sub,
            referrer_host,
            country,
            agent,
            visitor,
            created_at,
        } => Statement::new(
            "INSERT OR IGNORE INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.into(),
                partner.into(),
                program.into(),
                slug.into(),
                sub.into(),
                referrer_host.into(),
                country.into(),
                agent.into(),
                visitor.into(),
                created_at.into(),
            ],
        ),
        ClickRecord::Filtered {
            id,
            partner,
            slug,
            sub,
            reason,
            detail,
            created_at,
        } => Statement::new(
            "INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.into(),
                partner.into(),
                slug.into(),
                sub.into(),
                reason.into(),
                detail.into(),
                created_at.into(),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::clicks::ClickRecord;

    #[test]
    fn records_travel_as_json_and_become_one_insert_each() {
        let click = ClickRecord::Filtered {
            id: "7512345678901234567".into(),
            partner: "abc123".into(),
            slug: "home".into(),
            sub: None,
            reason: "bot".into(),
            detail: Some("curl/8".into()),
            created_at: 1,
        };
        let json = serde_json::to_string(&click).unwrap();
        assert!(json.contains(r#""kind":"filtered""#), "{json}");
        assert_eq!(serde_json::from_str::<ClickRecord>(&json).unwrap(), click);
        assert!(
            super::insert(&click)
                .sql
                .starts_with("INSERT OR IGNORE INTO filtered_clicks")
        );
    }
}
