//! At scale (bench/scale.sh): partners from the start, middle and end of a big program each
//! set a password, sign in, and see their own pages and nobody else's.

use super::set_password;
use crate::{Outcome, World, ensure};

const PASSWORD: &str = "scale-test-password-1";

/// Every page the check opens, as under `/portal/`.
const PAGES: [&str; 4] = ["", "links/", "profile/", "banners/"];

pub fn partners_see_their_own(world: &World, codes: &[String]) -> Outcome {
    for code in codes {
        let mut client = set_password(world, code, PASSWORD)?;
        for page in PAGES {
            let reply = client.get(&format!("/portal/{page}"))?;
            ensure!(
                reply.status == 200,
                "{code} /portal/{page}: {}",
                reply.status
            );
            ensure!(
                reply.body.contains(code.as_str()),
                "{code} /portal/{page} does not show their code"
            );
            for other in codes.iter().filter(|c| *c != code) {
                ensure!(
                    !reply.body.contains(other.as_str()),
                    "{code} /portal/{page} shows {other}"
                );
            }
        }
        println!("  ok    {code} signed in and sees only their own pages");
    }
    Ok(())
}
