//! Synthetic content for benchmarks and scale tests: a valid tree with any number of partners
//! (in the spirit of Zola's `benches/gen.py`).

use std::fmt::Write as _;
use std::path::Path;

/// Writes a content tree with `partners` partners, three programs, six links, banners, e-mail
/// copy, resource pages and payouts into `root` (which must not exist or be empty).
pub fn write_content(root: &Path, partners: usize) -> std::io::Result<()> {
    let write = |path: &str, text: &str| -> std::io::Result<()> {
        let p = root.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, text)
    };
    // Programs, links and resources: the demo's own, so every rule kind is exercised.
    crate::scaffold::write_demo_content(
        root,
        &["partners", "payouts", crate::content::ledger_lock::FILE],
    )
    .map_err(std::io::Error::other)?;
    let programs = ["coffee-club", "equipment", "wholesale"];
    let mut payouts = String::from("payouts:\n");
    for i in 0..partners {
        let code = format!("p{i:06}");
        let program = programs[i % programs.len()];
        let mut yaml = format!(
            "code: {code}\nname: Partner {i} Example\ncompany: Company {i}\nemail: partner{i}@example.com\n\
             phone: \"+1 555 {:04}\"\nprograms: [{program}]\n",
            i % 10_000
        );
        if i % 7 == 3 {
            let _ = writeln!(yaml, "parent: p{:06}", i - 3);
        }
        if i % 5 == 0 {
            let _ = writeln!(yaml, "coupons: [SYN{i}]");
        }
        write(&format!("partners/{code}.yaml"), &yaml)?;
        if i % 10 == 0 {
            let _ = write!(
                payouts,
                "  - partner: {code}\n    date: 2026-10-01\n    amount: {}.{:02}\n    method: PayPal\n    reference: SYN-{code}\n",
                10 + i % 90,
                i % 100
            );
        }
    }
    if partners > 0 {
        write("payouts/synthetic.yaml", &payouts)?;
    }
    Ok(())
}
