//! The click rows the Queue consumer (and `serve`'s journal mover) writes: one idempotent
//! insert per row, so a batch delivered twice writes each row once.

use serde::Serialize;

use crate::clicks::ClickRecord;
use crate::platform::{SqlValue, Statement};

/// Whether the click's visitor has already made `click_burst`'s number of clicks on the
/// partner's links within its seconds (`?2` the partner, `?9` the visitor, `?12` the time):
/// reads at most that many rows of `clicks_by_visitor`; never with the rule off.
macro_rules! burst {
    () => {
        "EXISTS (SELECT 1 FROM click_burst b WHERE b.clicks <= (SELECT count(*) FROM \
         (SELECT 1 FROM clicks INDEXED BY clicks_by_visitor WHERE partner = ?2 AND visitor = ?9 \
          AND created_at > ?12 - b.seconds AND created_at <= ?12 \
          LIMIT (SELECT clicks FROM click_burst))))"
    };
}

/// The idempotent insert of a click row. A counted click whose visitor went past the
/// `click_burst` rule is kept with the clicks not counted instead (reason `repeated`, which
/// flags the partner, see migration 0024): two statements that each check the same, so
/// exactly one of them writes, once.
pub fn insert(click: ClickRecord) -> Vec<Statement> {
    match click {
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
            address,
            ad_param,
            created_at,
        } => {
            let repeated_id = repeated_click_id(&id);
            let counted = Statement::new(
                concat!(
                    "INSERT OR IGNORE INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, address, ad_param, created_at) \
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 WHERE NOT ",
                    burst!()
                ),
                vec![
                    id.clone().into(),
                    partner.clone().into(),
                    program.into(),
                    slug.clone().into(),
                    sub.clone().into(),
                    referrer_host.into(),
                    country.into(),
                    agent.into(),
                    visitor.clone().into(),
                    address.into(),
                    ad_param.into(),
                    created_at.into(),
                ],
            );
            let repeated = Statement::new(
                concat!(
                    "INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) \
                     SELECT ?3, ?2, ?4, ?5, 'repeated', NULL, ?12 \
                     WHERE NOT EXISTS (SELECT 1 FROM clicks WHERE id = ?1) AND ",
                    burst!()
                ),
                vec![
                    id.into(),
                    partner.into(),
                    repeated_id.to_string().into(),
                    slug.into(),
                    sub.into(),
                    SqlValue::Null,
                    SqlValue::Null,
                    SqlValue::Null,
                    visitor.into(),
                    SqlValue::Null,
                    SqlValue::Null,
                    created_at.into(),
                ],
            );
            vec![counted, repeated]
        }
        ClickRecord::Filtered {
            id,
            partner,
            slug,
            sub,
            reason,
            detail,
            created_at,
        } => vec![Statement::new(
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
        )],
    }
}

/// A batch's statements as the Queue consumer at the edge runs them (`worker/entry.mjs`): the
/// SQL texts once, then each message's statements as the index of its text and its
/// parameters, or `None` for a message that is not a click.
#[derive(Serialize, Default, Debug)]
pub struct BatchRows {
    sql: Vec<&'static str>,
    messages: Vec<Option<Vec<Bound>>>,
}

/// A statement of [`BatchRows`]: the index of its SQL text, and its parameters.
type Bound = (usize, Vec<SqlValue>);

/// The statements for a batch of messages, each read as a click (`None`: not one).
pub fn batch_rows(clicks: impl Iterator<Item = Option<ClickRecord>>) -> BatchRows {
    let mut rows = BatchRows::default();
    for click in clicks {
        let statements = click.map(|click| {
            insert(click)
                .into_iter()
                .map(|statement| {
                    let index = rows
                        .sql
                        .iter()
                        .position(|s| *s == statement.sql)
                        .unwrap_or_else(|| {
                            rows.sql.push(statement.sql);
                            rows.sql.len() - 1
                        });
                    (index, statement.params)
                })
                .collect()
        });
        rows.messages.push(statements);
    }
    rows
}

/// The id a counted click keeps if it is not counted after all: made from its own id (its
/// second, then 22 of its random bits, the shape of the redirect's own not-counted ids), so a
/// batch delivered twice writes it once.
fn repeated_click_id(click_id: &str) -> i64 {
    let second = click_id
        .get(..8)
        .and_then(|h| i64::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    let random = click_id
        .get(8..)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    ((second * 1000) << 22) | (random & 0x3f_ffff) as i64
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
            super::insert(click.clone())[0]
                .sql
                .starts_with("INSERT OR IGNORE INTO filtered_clicks")
        );
        let rows = serde_json::to_value(super::batch_rows(
            [Some(click.clone()), None, Some(click)].into_iter(),
        ))
        .unwrap();
        assert_eq!(
            rows["sql"].as_array().unwrap().len(),
            1,
            "one text for both"
        );
        assert!(
            rows["messages"][1].is_null(),
            "a message that is not a click keeps its place"
        );
        assert_eq!(
            rows["messages"][2],
            serde_json::json!([[
                0,
                [
                    "7512345678901234567",
                    "abc123",
                    "home",
                    null,
                    "bot",
                    "curl/8",
                    1
                ]
            ]])
        );
        assert_eq!(
            super::repeated_click_id("6a1f3c20ffffffffffc00001"),
            ((0x6a1f_3c20_i64 * 1000) << 22) | 1
        );
    }
}
