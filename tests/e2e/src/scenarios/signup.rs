//! Partner sign-up: apply at /join, the pending sign-in message, approval through git (the CLI
//! writes the partner's YAML; the owner rebuilds and reseeds), rejection, bots, closed sign-up.

use std::process::Command;

use super::{keys, now};
use crate::client::{Client, Reply};
use crate::{Outcome, World, ensure};

pub(super) const PASSWORD: &str = "my-own-password-42";

/// A join form submission; `age` seconds since the form was served (a forged, signed token).
fn apply(
    world: &World,
    client: &mut Client,
    age: i64,
    fields: &[(&str, &str)],
) -> Result<Reply, String> {
    client.get("/join/")?;
    let token = keys(world).sign("join-form", &(now() - age).to_string());
    let mut all = vec![("form_age", token.as_str())];
    all.extend_from_slice(fields);
    client.form("/join", &all)
}

/// Applies as `code` with `email` and `name` (a form served 30 seconds ago).
pub(super) fn apply_as(
    world: &World,
    client: &mut Client,
    code: &str,
    email: &str,
    name: &str,
) -> Result<Reply, String> {
    apply(world, client, 30, &application(code, email, name))
}

fn application<'a>(code: &'a str, email: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("website", "https://newblog.example"),
        (
            "promotion",
            "A weekly coffee newsletter\nand a YouTube channel",
        ),
        ("programs", "coffee-club"),
        ("code", code),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
        ("terms", "accepted"),
    ]
}

pub(super) fn cli(world: &World, args: &[&str]) -> Result<String, String> {
    let output = Command::new(&world.cli)
        .args(args)
        // `=`: a random token may start with `-` (tokens_urlsafe does one time in 64).
        .arg(format!("--base-url={}", world.base))
        .arg(format!("--owner-token={}", world.owner_token))
        .arg("--content")
        .arg(&world.content)
        .output()
        .map_err(|e| format!("running partner-center: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    ensure!(output.status.success(), "partner-center {args:?}: {text}");
    Ok(text)
}

pub(super) fn last_mail_to(world: &World, to: &str) -> Result<String, String> {
    let rows = world.db.query(&format!(
        "SELECT body FROM outbox WHERE recipient = '{to}' ORDER BY id DESC LIMIT 1"
    ))?;
    Ok(rows
        .first()
        .and_then(|r| r["body"].as_str())
        .unwrap_or_default()
        .to_owned())
}

pub fn apply_and_approve_through_git(world: &World) -> Outcome {
    let mut client = world.client();
    let page = client.get("/join/")?;
    ensure!(
        page.status == 200
            && page.body.contains("name=\"form_age\" value=\"")
            && !page.body.contains("value=\"\" data-form-age"),
        "the form carries its age token"
    );
    // Bots: too fast, and the honeypot.
    let fast = apply(
        world,
        &mut client,
        0,
        &application("nia001", "nia@newblog.example", "Nia"),
    )?;
    ensure!(
        fast.status == 400 && fast.body.contains("very quick"),
        "too fast: {}",
        fast.status
    );
    let mut trap = application("nia001", "nia@newblog.example", "Nia");
    trap.push(("nickname", "bot"));
    let honeypot = apply(world, &mut client, 30, &trap)?;
    ensure!(
        honeypot.status == 400 && honeypot.body.contains("could not be accepted"),
        "honeypot: {}",
        honeypot.status
    );

    let applied = apply(
        world,
        &mut client,
        30,
        &application("nia001", "nia@newblog.example", "Nia <b>Newman</b>"),
    )?;
    ensure!(
        applied.status == 200 && applied.body.contains("Your partner code will be nia001"),
        "apply: {} {}",
        applied.status,
        applied.body.len()
    );
    ensure!(
        applied.body.contains("Nia &lt;b&gt;Newman&lt;/b&gt;")
            && !applied.body.contains("<b>Newman</b>"),
        "the name is escaped"
    );
    ensure!(
        last_mail_to(world, "nia@newblog.example")?.contains("nia001"),
        "a confirmation e-mail"
    );
    // The same code again: refused clearly.
    let duplicate = apply(
        world,
        &mut client,
        30,
        &application("nia001", "other@newblog.example", "Other"),
    )?;
    ensure!(
        duplicate.status == 409 && duplicate.body.contains("partner code is taken"),
        "duplicate code: {}",
        duplicate.status
    );
    let existing_code = apply(
        world,
        &mut client,
        30,
        &application("abc123", "other@newblog.example", "Other"),
    )?;
    ensure!(
        existing_code.status == 409,
        "a partner's code: {}",
        existing_code.status
    );
    // The refused form keeps what was typed (escaped), never the passwords.
    let body = &existing_code.body;
    ensure!(
        body.contains(r#"name="name" value="Other""#)
            && body.contains(r#"name="email" value="other@newblog.example""#)
            && body.contains(r#"name="code" value="abc123""#)
            && body.contains(">A weekly coffee newsletter\nand a YouTube channel</textarea>")
            && body.contains(r#"value="coffee-club" checked>"#)
            && !body.contains(PASSWORD),
        "the form keeps the applicant's fields"
    );
    // The same e-mail again: the same kind of answer, a mail to the address, no new application.
    let again = apply(
        world,
        &mut client,
        30,
        &application("nia002", "nia@newblog.example", "Nia"),
    )?;
    ensure!(
        again.status == 200 && again.body.contains("Your partner code will be nia002"),
        "a known e-mail: {}",
        again.status
    );
    ensure!(
        last_mail_to(world, "nia@newblog.example")?
            .contains("already has a partner account or an application"),
        "the owner of the address is told"
    );

    // Pending: the applicant's sign-in says so.
    let pending = world.client().sign_in("nia001", PASSWORD, false)?;
    ensure!(
        pending.status == 403 && pending.body.contains("application is being reviewed"),
        "pending sign-in: {}",
        pending.status
    );
    let wrong = world.client().sign_in("nia001", "not-my-password", false)?;
    ensure!(
        wrong.status == 401,
        "a wrong password is just wrong: {}",
        wrong.status
    );

    // The owner lists and approves through git.
    let listed = cli(world, &["applications"])?;
    ensure!(
        listed.contains("nia001")
            && listed.contains("nia@newblog.example")
            && !listed.contains("nia002"),
        "listed: {listed}"
    );
    let approved = cli(world, &["applications", "approve", "nia001"])?;
    ensure!(approved.contains("approved nia001"), "{approved}");
    let yaml_path = world.content.join("partners/nia001.yaml");
    let yaml =
        std::fs::read_to_string(&yaml_path).map_err(|e| format!("{}: {e}", yaml_path.display()))?;
    ensure!(
        yaml.contains("code: \"nia001\"") && yaml.contains("coffee-club"),
        "{yaml}"
    );
    let check = Command::new(&world.cli)
        .arg("check")
        .arg("--content")
        .arg(&world.content)
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(
        check.status.success(),
        "check accepts the new partner: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Approved, not deployed yet: sign-in says the portal is being prepared, and the welcome
    // waits for it. (`serve` rebuilds when its content changes: when that deploy lands before
    // the sign-in is answered, there is no "before" left to check here; workerd, which only
    // deploys when told, always checks it.)
    let deployed = || {
        world
            .db
            .count("SELECT count(*) FROM partners WHERE code = 'nia001'")
    };
    if deployed()? == 0 {
        let preparing = world.client().sign_in("nia001", PASSWORD, false)?;
        let welcomed =
            last_mail_to(world, "nia@newblog.example")?.contains("application is approved");
        if deployed()? == 0 {
            ensure!(
                preparing.status == 403 && preparing.body.contains("portal is being prepared"),
                "approved, before the deploy: {}",
                preparing.status
            );
            ensure!(!welcomed, "the welcome went out before the portal was live");
        }
    }
    world.content_changed()?;
    super::notifications::run(world, super::notifications::FREQUENT)?;
    ensure!(
        last_mail_to(world, "nia@newblog.example")?.contains("application is approved"),
        "the welcome e-mail once the portal is live"
    );
    // Once deployed, the password chosen at sign-up works and the portal is theirs.
    let mut partner = world.client();
    let reply = partner.sign_in("nia001", PASSWORD, false)?;
    ensure!(
        reply.status == 303,
        "nia001 could not sign in after approval: {}",
        reply.status
    );
    let home = partner.get("/portal/")?;
    ensure!(
        home.status == 200 && home.body.contains("Welcome back, Nia!"),
        "nia001's portal: {}",
        home.status
    );
    Ok(())
}

/// A partner's recruitment link (`/join/?ref=<code>`): the form carries the code, the console
/// shows it, and the approved applicant's partner file names the recruiter as parent (who then
/// earns the second tier). An unknown code is left out.
pub fn a_recruitment_link_makes_the_recruiter_the_parent(world: &World) -> Outcome {
    let mut client = world.client();
    let page = client.get("/join/?ref=abc123")?;
    ensure!(
        page.status == 200 && page.body.contains(r#"name="ref" value="abc123" data-ref"#),
        "the form carries the recruiter's code"
    );
    let hostile = client.get("/join/?ref=%22%3E%3Cscript%3E")?;
    ensure!(
        hostile.status == 200
            && !hostile.body.contains("<script>")
            && hostile.body.contains(r#"name="ref" value="" data-ref"#),
        "a code that is not one is left out"
    );
    let mut fields = application("rec001", "rosa@recruited.example", "Rosa Recruited");
    fields.push(("ref", "abc123"));
    let applied = apply(world, &mut client, 30, &fields)?;
    ensure!(applied.status == 200, "apply: {}", applied.status);
    let mut unknown = application("rec002", "ray@recruited.example", "Ray");
    unknown.push(("ref", "nobody9"));
    ensure!(
        apply(world, &mut client, 30, &unknown)?.status == 200,
        "an unknown recruiter is no refusal"
    );
    let stored = world.db.query(
        "SELECT code, referred_by FROM applications WHERE code IN ('rec001', 'rec002') ORDER BY code",
    )?;
    ensure!(
        stored.len() == 2
            && stored[0]["referred_by"] == "abc123"
            && stored[1]["referred_by"].is_null(),
        "stored: {stored:?}"
    );
    let listed = world.client().get_with(
        "/api/v1/owner/applications",
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )?;
    ensure!(
        listed.body.contains(r#""referred_by":"abc123""#),
        "the console shows who recruited them: {}",
        listed.body
    );
    cli(world, &["applications", "approve", "rec001"])?;
    let yaml_path = world.content.join("partners/rec001.yaml");
    let yaml =
        std::fs::read_to_string(&yaml_path).map_err(|e| format!("{}: {e}", yaml_path.display()))?;
    ensure!(
        yaml.contains("parent: \"abc123\""),
        "the recruiter is the parent: {yaml}"
    );
    world.content_changed()?;
    let parent = world
        .db
        .query("SELECT parent FROM partners WHERE code = 'rec001'")?;
    ensure!(
        parent.first().is_some_and(|r| r["parent"] == "abc123"),
        "deployed with its parent: {parent:?}"
    );
    Ok(())
}

pub fn rejected_and_closed(world: &World) -> Outcome {
    let mut client = world.client();
    let applied = apply(
        world,
        &mut client,
        30,
        &application("rex001", "rex@spam.example", "Rex"),
    )?;
    ensure!(applied.status == 200, "apply: {}", applied.status);
    let rejected = cli(
        world,
        &[
            "applications",
            "reject",
            "rex001",
            "--reason",
            "We only work with coffee publishers.",
        ],
    )?;
    ensure!(rejected.contains("rejected rex001"), "{rejected}");
    ensure!(
        last_mail_to(world, "rex@spam.example")?.contains("We only work with coffee publishers."),
        "the rejection e-mail carries the reason"
    );
    let sign_in = world.client().sign_in("rex001", PASSWORD, false)?;
    ensure!(
        sign_in.status == 401 && !sign_in.body.contains("being reviewed"),
        "a rejected applicant cannot sign in: {}",
        sign_in.status
    );
    let pending = cli(world, &["applications"])?;
    ensure!(!pending.contains("rex001"), "no longer pending");

    // Close sign-up in site.yaml: applications are refused.
    let site = world.content.join("site.yaml");
    let text = std::fs::read_to_string(&site).map_err(|e| e.to_string())?;
    std::fs::write(&site, text.replace("  open: true", "  open: false"))
        .map_err(|e| e.to_string())?;
    world.content_changed()?;
    let reply = apply(
        world,
        &mut client,
        30,
        &application("late01", "late@newblog.example", "Late"),
    )?;
    ensure!(
        reply.status == 403 && reply.body.contains("Applications are closed"),
        "closed sign-up refuses and says so: {}",
        reply.status
    );
    Ok(())
}
