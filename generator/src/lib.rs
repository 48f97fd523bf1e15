//! The Partner Center generator: content → validated model → static portal + edge data.
//!
//! The pipeline reads top to bottom: [`content::load`] → [`theme::Theme::load`] →
//! [`render::Renderer`] (plan pages, render) → [`build::build`] (write atomically), with
//! [`data`] emitting what the worker's KV and D1 need.

pub mod applications;
pub mod build;
pub mod clock;
pub mod content;
pub mod data;
pub mod demo_history;
pub mod deploy;
pub mod dev_state;
pub mod diagnostics;
pub mod doctor;
mod hash;
pub mod import;
pub mod markdown;
pub mod payouts;
pub mod profiles;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod setup;
pub mod synth;
pub mod theme;
