//! The console commits the owner's decisions to git (here a fake of GitHub's API): an admin
//! approves an application with one click; the fake received one commit adding the partner's
//! file, by the owner, on the branch's head; that file passes `check`, and once it is built and
//! deployed the applicant signs in and is welcomed (before, sign-in says the portal is being
//! prepared). A viewer cannot decide. When the branch moves meanwhile, the commit is made again
//! on the new head; when the same file changed, nothing is committed and both versions are shown.

use std::process::Command;

use serde_json::Value;

use super::notifications::{FREQUENT, run};
use super::owner::{ADMIN, PASSWORD as OWNER_PASSWORD, VIEWER, json, owner};
use super::signup::{PASSWORD, apply_as, last_mail_to};
use crate::{Outcome, World, ensure};

fn approve(world: &World, as_owner: &str, code: &str) -> Result<(u16, Value), String> {
    let mut console = owner(world, as_owner)?;
    let reply = console.post_json(&format!("/api/v1/owner/applications/{code}/approve"), b"{}")?;
    Ok((reply.status, json(&reply.body)?))
}

fn applied(world: &World, code: &str, email: &str, name: &str) -> Outcome {
    let reply = apply_as(world, &mut world.client(), code, email, name)?;
    ensure!(reply.status == 200, "apply as {code}: {}", reply.status);
    Ok(())
}

pub fn approve_in_one_click(world: &World) -> Outcome {
    let Some(git) = &world.git else {
        return Err("run with --git-port: the fake git host".into());
    };
    applied(world, "nora01", "nora@norabakes.example", "Nora Baker")?;

    // A viewer cannot decide.
    let (status, _) = approve(world, VIEWER, "nora01")?;
    ensure!(status == 403, "a viewer's approval: {status}");

    // The admin's click: one commit adding the partner's file, by her, on the head.
    let before = git.head();
    let (status, answer) = approve(world, ADMIN, "nora01")?;
    ensure!(
        status == 200,
        "approve: {status} {answer}; the fake refused {:?}",
        git.refusals()
    );
    let commits = git.commits_after(&before);
    ensure!(commits.len() == 1, "one commit: {commits:?}");
    let commit = &commits[0];
    ensure!(
        commit.parent.as_deref() == Some(before.as_str())
            && commit
                .message
                .starts_with("Approve partner nora01 (by Olivia Brightloom via the console)")
            && commit.author == ("Olivia Brightloom".to_owned(), ADMIN.to_owned()),
        "the commit: {commit:?}"
    );
    ensure!(
        answer["commit"]["sha"] == commit.sha.as_str()
            && answer["commit"]["url"]
                .as_str()
                .is_some_and(|u| u.ends_with(&commit.sha)),
        "the answer names the commit: {answer}"
    );
    let files = git.changed_in(commit);
    let yaml = files.get("content/partners/nora01.yaml").ok_or(format!(
        "the commit adds content/partners/nora01.yaml: {:?}",
        files.keys()
    ))?;
    ensure!(
        files.len() == 1,
        "only the partner's file: {:?}",
        files.keys()
    );

    // Before the deploy: approved, being prepared, not welcomed.
    let early = world.client().sign_in("nora01", PASSWORD, false)?;
    ensure!(
        early.status == 403 && early.body.contains("portal is being prepared"),
        "sign-in before the deploy: {}",
        early.status
    );
    run(world, FREQUENT)?;
    ensure!(
        !last_mail_to(world, "nora@norabakes.example")?.contains("application is approved"),
        "welcomed before the portal was live"
    );

    // The committed file is valid content; built and deployed, the partner signs in.
    let path = world.content.join("partners/nora01.yaml");
    std::fs::write(&path, yaml).map_err(|e| format!("{}: {e}", path.display()))?;
    let check = Command::new(&world.cli)
        .arg("check")
        .arg("--content")
        .arg(&world.content)
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(
        check.status.success(),
        "check refuses the committed file: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    world.content_changed()?;
    run(world, FREQUENT)?;
    ensure!(
        last_mail_to(world, "nora@norabakes.example")?.contains("application is approved"),
        "the welcome once the portal is live"
    );
    run(world, FREQUENT)?;
    let welcomes = super::owner::mails_with(world, "application is approved")?;
    ensure!(
        welcomes.get("nora@norabakes.example") == Some(&1),
        "welcomed once, however many runs: {welcomes:?}"
    );
    let mut partner = world.client();
    let signed = partner.sign_in("nora01", PASSWORD, false)?;
    ensure!(
        signed.status == 303,
        "sign-in after the deploy: {}",
        signed.status
    );
    ensure!(
        partner
            .get("/portal/")?
            .body
            .contains("Welcome back, Nora!"),
        "nora01's portal"
    );
    Ok(())
}

pub fn a_moved_branch_is_retried_or_reported(world: &World) -> Outcome {
    let Some(git) = &world.git else {
        return Err("run with --git-port: the fake git host".into());
    };
    // Someone pushes another file meanwhile: the commit is made again on the new head.
    applied(world, "odo001", "odo@odoroasts.example", "Odo Roaster")?;
    git.push_before_next_update("content/links/elsewhere.yaml", "slug: elsewhere\n");
    let before = git.head();
    let (status, answer) = approve(world, ADMIN, "odo001")?;
    ensure!(
        status == 200,
        "approve on a moved branch: {status} {answer}"
    );
    let commits = git.commits_after(&before);
    ensure!(
        commits.len() == 2
            && commits[0].message == "Someone else's change"
            && commits[1].parent.as_deref() == Some(commits[0].sha.as_str())
            && git
                .changed_in(&commits[1])
                .contains_key("content/partners/odo001.yaml"),
        "retried on the new head: {commits:?}"
    );

    // Someone adds the same file with other contents: nothing committed, both versions shown,
    // and the application is still pending.
    applied(world, "pia001", "pia@piapours.example", "Pia Pourover")?;
    git.push_before_next_update(
        "content/partners/pia001.yaml",
        "code: \"pia001\"\nname: Someone else's Pia\n",
    );
    let before = git.head();
    let (status, answer) = approve(world, ADMIN, "pia001")?;
    ensure!(
        status == 409
            && answer["theirs"]
                .as_str()
                .is_some_and(|t| t.contains("Someone else's Pia"))
            && answer["ours"]
                .as_str()
                .is_some_and(|o| o.contains("Pia Pourover")),
        "a conflict shows both versions: {status} {answer}"
    );
    ensure!(
        git.commits_after(&before).len() == 1,
        "only the other push is on the branch"
    );
    let mut console = owner(world, ADMIN)?;
    let pending = json(&console.get("/api/v1/owner/applications")?.body)?;
    ensure!(
        pending["applications"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["code"] == "pia001")),
        "pia001 is still pending: {pending}"
    );
    Ok(())
}

/// Payable money for `partner` (a fixture: an adjustment payable since yesterday).
fn credit(world: &World, partner: &str, minor: i64) -> Outcome {
    let at = super::now() - 86_400;
    world.db.execute(&format!(
        "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, memo) \
         VALUES ('adjustment:e2e-pay-{partner}-{at}', '{partner}', NULL, 'adjustment', {minor}, 'USD', {at}, {at}, 'e2e')"
    ))
}

/// A partner's payable balance in cents, as the console's payable API says.
fn payable_cents(world: &World, partner: &str) -> Result<i64, String> {
    let mut console = owner(world, ADMIN)?;
    let rows = json(&console.get("/api/v1/owner/payable")?.body)?;
    let row = rows["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["partner"] == partner))
        .cloned()
        .unwrap_or(Value::Null);
    Ok(cents(&row["payable"]))
}

fn cents(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or("0");
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    whole.parse::<i64>().unwrap_or(0) * 100 + format!("{frac:0<2}")[..2].parse::<i64>().unwrap_or(0)
}

pub fn mark_as_paid_commits_one_payout_file(world: &World) -> Outcome {
    let Some(git) = &world.git else {
        return Err("run with --git-port: the fake git host".into());
    };
    // Three partners with money to pay, one without a payout method, one whose new payout
    // details are still waiting out their cooling-off period.
    let now = super::now();
    world.db.execute(&format!(
        "UPDATE payout_changes SET cancelled_at = {now}, cancelled_by = 'e2e' \
         WHERE effective_at > {now} AND cancelled_at IS NULL AND partner IN ('abc123', 'xyz789', 'mia456')"
    ))?;
    world.db.execute(&format!(
        "INSERT INTO payout_changes (partner, method, details, requested_at, effective_at) \
         VALUES ('cafe01', 'PayPal', 'new@cafe.example', {now}, {})",
        now + 72 * 3600
    ))?;
    for (partner, minor) in [
        ("abc123", 3_010),
        ("xyz789", 6_340),
        ("mia456", 4_110),
        ("tess42", 4_500),
        ("cafe01", 7_000),
    ] {
        credit(world, partner, minor)?;
    }
    let mut console = owner(world, ADMIN)?;
    let plan = json(&console.get("/api/v1/owner/payouts/plan")?.body)?;
    let candidate = |code: &str| {
        plan["candidates"]
            .as_array()
            .and_then(|c| c.iter().find(|x| x["partner"] == code))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let flags = |code: &str| candidate(code)["flags"].to_string();
    ensure!(
        flags("tess42").contains("no_method") && candidate("tess42")["chosen"] == false,
        "no payout method: flagged and left out: {}",
        candidate("tess42")
    );
    ensure!(
        flags("cafe01").contains("pending_change") && candidate("cafe01")["chosen"] == false,
        "new details waiting: flagged and left out: {}",
        candidate("cafe01")
    );
    let chosen = ["abc123", "mia456", "xyz789"];
    for code in chosen {
        ensure!(
            candidate(code)["chosen"] == true,
            "{code} is to be paid: {}",
            candidate(code)
        );
    }
    let before: Vec<i64> = chosen
        .iter()
        .map(|c| payable_cents(world, c))
        .collect::<Result<_, _>>()?;
    let amounts: Vec<i64> = chosen
        .iter()
        .map(|c| cents(&candidate(c)["amount"]))
        .collect();
    ensure!(
        before == amounts,
        "each is paid what is payable: {before:?} {amounts:?}"
    );

    // The bank's transfer list for the run: the partners ticked, their amounts, the run's
    // references.
    let run = plan["run"].as_str().unwrap_or_default().to_owned();
    let date = plan["date"].as_str().unwrap_or_default().to_owned();
    let list = console.get(&format!(
        "/api/v1/owner/payable?format=bank&run={run}&partners=xyz789,mia456"
    ))?;
    let xyz = cents(&candidate("xyz789")["amount"]);
    ensure!(
        list.status == 200
            && list.body.contains(&format!(
                "{}.{:02},USD,PO-{date}-xyz789-{run}",
                xyz / 100,
                xyz % 100
            ))
            && !list.body.contains("abc123")
            && !list.body.contains("mia456"),
        "the run's transfer list (mia456 is paid by PayPal): {} {}",
        list.status,
        list.body
    );

    // Mark as paid: one commit of one payouts file, exact amounts and references.
    let head = git.head();
    // Recording payouts moves money: the owner's password first.
    let unproven = serde_json::json!({ "partners": chosen }).to_string();
    let refused = console.post_json(
        &format!("/api/v1/owner/payouts/runs/{run}"),
        unproven.as_bytes(),
    )?;
    ensure!(
        refused.status == 403
            && json(&refused.body)?["field"] == "password"
            && git.commits_after(&head).is_empty(),
        "Mark as paid without the password: {} {}",
        refused.status,
        refused.body
    );
    let body = serde_json::json!({ "partners": chosen, "password": OWNER_PASSWORD }).to_string();
    let marked = console.post_json(
        &format!("/api/v1/owner/payouts/runs/{run}"),
        body.as_bytes(),
    )?;
    let answer = json(&marked.body)?;
    ensure!(
        marked.status == 200,
        "mark as paid: {} {answer}",
        marked.status
    );
    let commits = git.commits_after(&head);
    ensure!(commits.len() == 1, "one commit: {commits:?}");
    let files = git.changed_in(&commits[0]);
    let path = format!("content/payouts/{date}-{run}.yaml");
    let yaml = files
        .get(&path)
        .ok_or(format!("{path} in {:?}", files.keys()))?;
    ensure!(
        files.len() == 1,
        "only the payouts file: {:?}",
        files.keys()
    );
    for (code, minor) in chosen.iter().zip(&amounts) {
        let amount = format!("amount: {}.{:02}", minor / 100, minor % 100);
        ensure!(
            yaml.contains(&format!("partner: {code}")) && yaml.contains(&amount),
            "{code}'s payout of {amount} in the file:\n{yaml}"
        );
    }
    ensure!(
        !yaml.contains("tess42") && !yaml.contains("cafe01"),
        "flagged partners left out:\n{yaml}"
    );

    // The same run again commits nothing.
    let again = console.post_json(
        &format!("/api/v1/owner/payouts/runs/{run}"),
        body.as_bytes(),
    )?;
    ensure!(
        again.status == 200
            && json(&again.body)?["already"] == true
            && git.commits_after(&head).len() == 1,
        "a second click: {} {}",
        again.status,
        again.body
    );

    // Deployed: the payouts are in the ledgers, and the payable balances drop by exactly them.
    let file = world.content.join(format!("payouts/{date}-{run}.yaml"));
    std::fs::write(&file, yaml).map_err(|e| format!("{}: {e}", file.display()))?;
    world.content_changed()?;
    for (code, paid) in chosen.iter().zip(&amounts) {
        let after = payable_cents(world, code)?;
        let before = before[chosen.iter().position(|c| c == code).unwrap_or(0)];
        ensure!(
            after == before - paid,
            "{code}: payable {before} − {paid} ≠ {after}"
        );
    }
    for code in chosen {
        let ledger = console.get(&format!(
            "/api/v1/owner/as/{code}/ledger?per_page=500&from={}",
            super::iso(super::now() - 30 * 86_400)
                .get(..10)
                .unwrap_or_default()
        ))?;
        ensure!(
            ledger.body.contains(&format!("PO-{date}-{code}-{run}")),
            "{code}'s ledger shows the payout: {:.300}",
            ledger.body
        );
    }
    let next = json(&console.get("/api/v1/owner/payouts/plan")?.body)?;
    ensure!(
        next["candidates"].as_array().is_some_and(|c| c
            .iter()
            .all(|x| !chosen.contains(&x["partner"].as_str().unwrap_or("")))),
        "paid partners are not offered again: {next}"
    );

    // The owner ticks the flagged partner after all: paid, with the reason noted in the file.
    let second = next["run"].as_str().unwrap_or_default().to_owned();
    let head = git.head();
    let ticked = console.post_json(
        &format!("/api/v1/owner/payouts/runs/{second}"),
        serde_json::json!({ "partners": ["cafe01"], "password": OWNER_PASSWORD })
            .to_string()
            .as_bytes(),
    )?;
    ensure!(
        ticked.status == 200,
        "a flagged partner ticked: {} {}",
        ticked.status,
        ticked.body
    );
    let files = git
        .commits_after(&head)
        .first()
        .map(|c| git.changed_in(c))
        .unwrap_or_default();
    ensure!(
        files
            .values()
            .any(|y| y.contains("partner: cafe01")
                && y.contains("paid although: new payout details")),
        "the ticked partner's payout, with why it was flagged: {files:?}"
    );
    Ok(())
}

pub fn adjustments_from_a_partners_page(world: &World) -> Outcome {
    let Some(git) = &world.git else {
        return Err("run with --git-port: the fake git host".into());
    };
    let reason = "Holiday bonus: thanks for the December push";
    let form = |key: &str, amount: &str, reason: &str| {
        serde_json::json!({ "key": key, "amount": amount, "reason": reason, "password": OWNER_PASSWORD })
            .to_string()
    };
    let path = "/api/v1/owner/partners/mia456/adjustments";
    let mut viewer = owner(world, VIEWER)?;
    let refused = viewer.post_json(path, form("a1b2c3d4e5f6", "12.34", reason).as_bytes())?;
    ensure!(
        refused.status == 403,
        "a viewer's adjustment: {}",
        refused.status
    );
    let mut admin = owner(world, ADMIN)?;
    let head = git.head();
    for (what, body) in [
        ("zero", form("a1b2c3d4e5f6", "0.00", reason)),
        (
            "a reason of two lines",
            form("a1b2c3d4e5f6", "12.34", "one\ntwo"),
        ),
        ("not a number", form("a1b2c3d4e5f6", "twelve", reason)),
    ] {
        let bad = admin.post_json(path, body.as_bytes())?;
        ensure!(
            bad.status == 400 && !json(&bad.body)?["error"].is_null(),
            "{what}: {} {}",
            bad.status,
            bad.body
        );
    }
    let unproven =
        serde_json::json!({ "key": "a1b2c3d4e5f6", "amount": "12.34", "reason": reason });
    let bad = admin.post_json(path, unproven.to_string().as_bytes())?;
    ensure!(
        bad.status == 403 && json(&bad.body)?["field"] == "password",
        "an adjustment without the password: {} {}",
        bad.status,
        bad.body
    );
    let wrong_payout = serde_json::json!({ "key": "a1b2c3d4e5f6", "amount": "5.00", "reason": reason, "corrects": "PP-nobody", "password": OWNER_PASSWORD });
    let bad = admin.post_json(path, wrong_payout.to_string().as_bytes())?;
    ensure!(
        bad.status == 400,
        "a payout the partner does not have: {}",
        bad.status
    );
    ensure!(
        git.commits_after(&head).is_empty(),
        "a refused adjustment committed something"
    );

    let added = admin.post_json(path, form("a1b2c3d4e5f6", "12.34", reason).as_bytes())?;
    let answer = json(&added.body)?;
    ensure!(added.status == 200, "the credit: {} {answer}", added.status);
    let commits = git.commits_after(&head);
    ensure!(
        commits.len() == 1
            && commits[0]
                .message
                .starts_with("Credit mia456 $12.34 (by Olivia Brightloom via the console)"),
        "one commit: {commits:?}"
    );
    let files = git.changed_in(&commits[0]);
    let file = answer["file"].as_str().unwrap_or_default();
    let yaml = files
        .get(file)
        .ok_or(format!("{file} in {:?}", files.keys()))?;
    let again = admin.post_json(path, form("a1b2c3d4e5f6", "12.34", reason).as_bytes())?;
    ensure!(
        again.status == 200
            && json(&again.body)?["commit"]["already"] == true
            && git.commits_after(&head).len() == 1,
        "a second click: {} {}",
        again.status,
        again.body
    );

    // Deployed, the partner's ledger shows it with the reason.
    let local = world.content.join(file.trim_start_matches("content/"));
    std::fs::create_dir_all(local.parent().unwrap_or(&world.content)).map_err(|e| e.to_string())?;
    std::fs::write(&local, yaml).map_err(|e| format!("{}: {e}", local.display()))?;
    world.content_changed()?;
    let ledger = admin.get(&format!(
        "/api/v1/owner/as/mia456/ledger?per_page=500&from={}",
        super::iso(super::now() - 30 * 86_400)
            .get(..10)
            .unwrap_or_default()
    ))?;
    ensure!(
        ledger.status == 200 && ledger.body.contains(reason) && ledger.body.contains("12.34"),
        "mia456's ledger: {} {:.300}",
        ledger.status,
        ledger.body
    );
    Ok(())
}

/// `pc-e2e git-host --host forgejo|gitlab`: the portal restarted with that `GIT_HOST`. An
/// approval is one commit of the partner's file by the owner, through that host's own API; the
/// same file created meanwhile with other contents is reported with both versions.
pub fn approve_through_host(world: &World, host: &str) -> Outcome {
    let Some(git) = &world.git else {
        return Err("run with --git-port: the fake git host".into());
    };
    // Sign-up may be closed by now: the applications are fixtures.
    let code = format!("{}01", &host[..4]);
    let other = format!("{}02", &host[..4]);
    for c in [&code, &other] {
        world.db.execute(&format!(
            "INSERT INTO applications (code, name, email, programs, password_hash, status, created_at) \
             VALUES ('{c}', 'Hosted Applicant', '{c}@hosts.example', '[\"coffee-club\"]', 'unused', 'pending', 1)"
        ))?;
    }
    let before = git.head();
    let (status, answer) = approve(world, ADMIN, &code)?;
    ensure!(
        status == 200 && git.refusals().is_empty(),
        "{host}: approve: {status} {answer}; the fake refused {:?}",
        git.refusals()
    );
    let commits = git.commits_after(&before);
    ensure!(
        commits.len() == 1
            && commits[0].parent.as_deref() == Some(before.as_str())
            && commits[0].author == ("Olivia Brightloom".to_owned(), ADMIN.to_owned())
            && commits[0].message.starts_with(&format!(
                "Approve partner {code} (by Olivia Brightloom via the console)"
            )),
        "{host}: one commit by Olivia: {commits:?}"
    );
    let files = git.changed_in(&commits[0]);
    let path = format!("content/partners/{code}.yaml");
    ensure!(
        files.len() == 1
            && files
                .get(&path)
                .is_some_and(|y| y.contains(&format!("code: \"{code}\""))),
        "{host}: the partner's file: {files:?}"
    );
    ensure!(
        answer["commit"]["url"]
            .as_str()
            .is_some_and(|u| u.contains(host) && u.ends_with(&commits[0].sha)),
        "{host}: the answer links the commit: {answer}"
    );

    git.push_before_next_update(
        &format!("content/partners/{other}.yaml"),
        "code: \"someone-else\"\n",
    );
    let (status, answer) = approve(world, ADMIN, &other)?;
    ensure!(
        status == 409
            && answer["theirs"] == "code: \"someone-else\"\n"
            && answer["ours"].as_str().is_some_and(|o| o.contains(&other)),
        "{host}: a conflict shows both versions: {status} {answer}"
    );
    Ok(())
}
