//! What the redirect's "not a person" check costs per request, natively (`cargo bench -p
//! pc-worker --bench filter`): a browser (every marker and the whole crawler list looked
//! through, nothing found), a crawler of the list, and one of our own markers. Compare with a
//! redirect's ~2 ms in workerd (bench/redirect.sh).

use std::hint::black_box;
use std::time::Instant;

use pc_worker::routes::redirect::filtered;

fn request(agent: &str) -> pc_worker::Request {
    http::Request::builder()
        .uri("https://partners.example/r/abc123/home")
        .header("user-agent", agent)
        .header("referer", "https://blog.example/post")
        .body(Vec::new())
        .expect("a request")
}

fn main() {
    let cases = [
        (
            "browser",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        ),
        (
            "listed crawler",
            "Mozilla/5.0 (compatible; AhrefsSiteAudit/6.1; +http://ahrefs.com/robot/site-audit)",
        ),
        ("own marker", "curl/8.5.0"),
    ];
    // The list is built once per isolate: the first call pays for it.
    let started = Instant::now();
    black_box(filtered(&request(cases[0].1), || None));
    println!(
        "first call (builds the list): {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for (name, agent) in cases {
        let req = request(agent);
        let rounds = 200_000;
        let started = Instant::now();
        for _ in 0..rounds {
            black_box(filtered(black_box(&req), || None));
        }
        let ns = started.elapsed().as_nanos() as f64 / f64::from(rounds);
        println!("{name:<15} {ns:8.0} ns per request");
    }
}
