//! The floor of a Rust redirect in workerd: read `link:<code>` from KV, answer 302.

use worker::{Context, Env, Request, Response, Result, Url, event};

const TARGET: &str = "https://brightloom.example/?bl_click=0123456789abcdef01234567&bl_ref=abc123";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let code = path.trim_start_matches("/r/").split('/').next().unwrap_or("");
    let found = env.kv("LINKS")?.get(&format!("link:{code}")).text().await?;
    match found {
        Some(_) => Response::redirect_with_status(Url::parse(TARGET)?, 302),
        None => Response::error("Not found", 404),
    }
}
