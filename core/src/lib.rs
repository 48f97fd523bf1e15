//! The Partner Center domain, shared by the generator and the worker.
//!
//! Everything here is plain data and arithmetic: no I/O, no clock (time is passed in), so the
//! crate builds for native targets and for `wasm32-unknown-unknown` alike.

pub mod adjustment;
pub mod application;
pub mod commission;
pub mod csv_cell;
pub mod engine;
pub mod html;
pub mod ids;
pub mod ledger;
pub mod money;
pub mod not_me;
pub mod owner;
pub mod page_bundle;
pub mod partner_file;
pub mod password;
pub mod payout_plan;
pub mod percent;
pub mod risk;
pub mod text;
pub mod token;
pub mod two_factor;

pub use commission::{Attribution, CommissionStructure, ProductOverride, Rate, Subscription, Tier};
pub use ids::{IdError, PartnerCode, ProgramId, Slug};
pub use money::{Amount, Currency, Decimal, Money, MoneyError, SignedAmount};
pub use not_me::{AccountChange, NotMeLink};
pub use owner::{OwnerLink, OwnerRole, OwnerSession, Unsubscribe};
pub use percent::{Percent, PercentError};
pub use token::{PasswordLink, Session, SigningKeys, TokenError};
