//! Fuzzing with proptest. The whole edge app (native backend, the demo deployed into SQLite)
//! gets arbitrary requests — known routes and made-up paths, any method, hostile header bytes
//! (0x80–0xFF included), forged cookies and tokens, random bodies as JSON, forms and bytes —
//! and must answer every one without a panic and without a 5xx (a header that is not text: 400). The content loader gets
//! arbitrary partner files and must report, never panic.
//!
//! Cases per target: `PC_FUZZ_CASES` (default 256; `tests/run` sets its budget). A failing
//! case is kept in `proptest-regressions/` (committed) and replayed first on every run.

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;

use crate::helpers::{copy_tree, demo_content, deploy_native};

const SECRET: &str = "fuzz-session-secret-that-is-long-enough-0123";

fn cases() -> u32 {
    std::env::var("PC_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

struct App {
    state: pc_worker::native::NativeState,
    _dir: tempfile::TempDir,
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dist");
        pc_generator::build::build(&demo_content(), &out).unwrap();
        let db_path = dir.path().join("db.sqlite");
        deploy_native(&out, &db_path);
        let env: HashMap<String, String> = [
            ("SESSION_SECRET", SECRET),
            ("EVENTS_SECRET", "fuzz-events-secret-0123456789abcdef"),
            ("OWNER_TOKEN", "fuzz-owner-token-0123456789"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_fuzz0123456789"),
            ("SHOPIFY_WEBHOOK_SECRET", "shopify-fuzz-0123456789"),
            ("PORTAL_URL", "https://partners.example"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        App {
            state: pc_worker::native::NativeState::new(
                pc_worker::native::Database::open(&db_path).unwrap(),
                out.join("site"),
                env,
                Box::new(|_| {}),
            ),
            _dir: dir,
        }
    })
}

const PATHS: &[&str] = &[
    "/",
    "/login/",
    "/login",
    "/logout",
    "/forgot/",
    "/reset/",
    "/reset",
    "/join/",
    "/join",
    "/portal/",
    "/portal/profile",
    "/portal/notifications",
    "/portal/reports/ledger/",
    "/r/abc123/home",
    "/r/abc123",
    "/api/v1/events",
    "/api/v1/integrations/stripe",
    "/api/v1/integrations/shopify",
    "/api/v1/script-hit",
    "/api/v1/me/summary",
    "/api/v1/me/test",
    "/api/v1/me/profile",
    "/api/v1/me/payout",
    "/api/v1/me/ledger/",
    "/api/v1/owner/overview",
    "/api/v1/owner/partners",
    "/api/v1/owner/partners/abc123",
    "/api/v1/owner/as/abc123/summary",
    "/api/v1/owner/applications/abc123/approve",
    "/api/v1/owner/payable",
    "/api/v1/owner/scheduled",
    "/api/v1/owner/setup",
    "/api/v1/owner/mail/test",
    "/owner/",
    "/owner/login",
    "/owner/reset/",
    "/owner/setup/",
    "/owner/as/abc123/",
    "/owner/partners/abc123/",
    "/unsubscribe/",
    "/unsubscribe",
    "/assets/style.css",
    "/pc.js",
];

const HEADERS: &[&str] = &[
    "cookie",
    "origin",
    "content-type",
    "authorization",
    "x-csrf-token",
    "user-agent",
    "sec-fetch-site",
    "sec-purpose",
    "referer",
    "partner-signature",
    "stripe-signature",
    "x-shopify-hmac-sha256",
    "x-shopify-topic",
    "accept",
];

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(PATHS).prop_map(str::to_owned),
        (
            proptest::sample::select(PATHS),
            "[a-zA-Z0-9%._~:@!$&'()*+,;=/-]{0,40}"
        )
            .prop_map(|(p, rest)| format!("{p}{rest}")),
        "/[ -~]{0,60}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z_]{1,8}=[a-zA-Z0-9%+._:-]{0,30}(&[a-z_]{1,8}=[a-zA-Z0-9%+._-]{0,30}){0,3}"
            .prop_map(|q| format!("?{q}")),
        proptest::sample::select(
            &[
                "?token=",
                "?from=2026-13-45&to=x",
                "?format=csv&per_page=0",
                "?sort=password&dir=up",
                "?cron=0+8+*+*+*",
                "?next=//evil.example",
            ][..]
        )
        .prop_map(str::to_owned),
    ]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Any bytes a header value may carry on the wire, obs-text (0x80–0xFF) included.
        proptest::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..80),
        "(__Host-pc_(session|owner|csrf)=[A-Za-z0-9_.=-]{0,90}; ?){1,3}"
            .prop_map(String::into_bytes),
        "Bearer [ -~]{0,40}".prop_map(String::into_bytes),
        "t=[0-9]{0,12},v1=[0-9a-f]{0,64}".prop_map(String::into_bytes),
        proptest::sample::select(
            &[
                "application/json",
                "application/x-www-form-urlencoded",
                "https://partners.example",
                "same-origin",
            ][..]
        )
        .prop_map(|v| v.as_bytes().to_vec()),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "[a-z_]{1,10}=[ -~]{0,40}(&[a-z_]{1,10}=[ -~]{0,40}){0,6}".prop_map(String::into_bytes),
        json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[ -~]{0,20}".prop_map(serde_json::Value::from),
        proptest::sample::select(
            &[
                "sale",
                "lead",
                "refund",
                "subscription_payment",
                "abc123",
                "2026-11-24T10:00:00Z",
                "12.50",
                "USD",
                "checkout.session.completed",
                "charge.refunded",
            ][..]
        )
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                proptest::sample::select(
                    &[
                        "id",
                        "type",
                        "occurred_at",
                        "amount",
                        "currency",
                        "partner",
                        "click_id",
                        "coupon",
                        "order_id",
                        "customer",
                        "email",
                        "data",
                        "object",
                        "metadata",
                        "name",
                        "reason",
                    ][..]
                )
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Who sends the request: nobody, abc123 signed in (with the page's CSRF proof), the owner
/// token, or the admin owner signed in: so the fuzz reaches past every gate.
fn identity() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let keys = || pc_core::SigningKeys::new(SECRET, None).unwrap();
    let now = pc_generator::serve::unix_now();
    let csrf = "ab".repeat(32);
    let partner = pc_core::Session::new(
        pc_core::PartnerCode::parse("abc123").unwrap(),
        0,
        false,
        now,
    )
    .sign(&keys());
    let owner = pc_core::OwnerSession::new("olivia@brightloom.example", 0, now).sign(&keys());
    let proof = |cookie: String| {
        vec![
            ("cookie", format!("{cookie}; __Host-pc_csrf={csrf}")),
            ("x-csrf-token", csrf.clone()),
            ("origin", "http://127.0.0.1:8787".to_owned()),
        ]
    };
    prop_oneof![
        Just(Vec::new()),
        Just(proof(format!("__Host-pc_session={partner}"))),
        Just(proof(format!("__Host-pc_owner={owner}"))),
        Just(vec![(
            "authorization",
            "Bearer fuzz-owner-token-0123456789".to_owned()
        )]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_request_gets_an_answer_and_never_a_5xx(
        method in proptest::sample::select(&["GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH"][..]),
        path in path(),
        query in query(),
        headers in proptest::collection::vec((proptest::sample::select(HEADERS), header_value()), 0..6),
        body in body(),
        who in identity(),
    ) {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!("http://127.0.0.1:8787{path}{query}"))
            .header("host", "127.0.0.1:8787");
        for (name, value) in &who {
            builder = builder.header(*name, value.as_str());
        }
        for (name, value) in &headers {
            // Bytes no HTTP parser hands on (controls) cannot reach the app.
            if let Ok(v) = http::HeaderValue::from_bytes(value) {
                builder = builder.header(*name, v);
            }
        }
        let Ok(request) = builder.body(body) else {
            // Not a request line any server would parse.
            return Ok(());
        };
        let garbled = request
            .headers()
            .iter()
            .any(|(n, v)| !n.as_str().starts_with("cf-") && v.as_bytes().iter().any(|b| *b >= 0x80));
        let response = pc_worker::native::answer(&app().state, request);
        if garbled {
            prop_assert_eq!(response.status().as_u16(), 400, "bytes that are not text get a 400");
        }
        prop_assert!(
            response.status().as_u16() < 500,
            "{method} {path}{query}: {}",
            response.status()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() / 40 + 1, ..ProptestConfig::default() })]

    #[test]
    fn the_content_loader_reports_any_partner_file_and_never_panics(
        text in prop_oneof![
            "[ -~\n]{0,300}",
            "code: [a-z0-9]{0,8}\nname: [ -~]{0,20}\nemail: [ -~]{0,30}\nprograms: \\[[a-z-]{0,12}\\]\n[a-z_]{0,10}: [ -~]{0,20}\n",
        ]
    ) {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&demo_content(), &dir.path().join("content"));
        std::fs::write(dir.path().join("content/partners/fuzz01.yaml"), &text).unwrap();
        match pc_generator::content::load(&dir.path().join("content")) {
            Ok(content) => prop_assert!(content.partners.len() >= 7),
            Err(diagnostics) => prop_assert!(!diagnostics.render(false).is_empty()),
        }
    }
}
